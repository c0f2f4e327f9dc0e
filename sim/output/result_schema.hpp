#pragma once
// The names and codes of the tiersim result file (docs/output-format.md), in one place:
// ResultFile writes them, NcFile manages `tiersim_format` and `complete`, ResultReader and
// `tiersim info` read them. The Python package (analysis/tiersim) spells them again.
#include <cstdint>
#include <string>

namespace tiersim::output {

/// Major.minor version of the file layout. Readers refuse an unknown major version.
inline constexpr int kFormatMajor = 2;
inline constexpr int kFormatMinor = 0;
inline std::string format_version() { return std::to_string(kFormatMajor) + "." + std::to_string(kFormatMinor); }

/// Status of a run slot (variable `run_status`).
enum class RunStatus : std::int8_t { pending = 0, done = 1, failed = 2 };

namespace schema {

// Root attributes that say what the file is.
inline constexpr const char* kTiersimFormat = "tiersim_format";  ///< always kTiersimFormatValue
inline constexpr const char* kTiersimFormatValue = "tiersim-output";
inline constexpr const char* kFormatVersion = "format_version";  ///< "MAJOR.MINOR"
inline constexpr const char* kComplete = "complete";             ///< 1 once every run finished; absent before

// Root attributes: provenance.
inline constexpr const char* kConventions = "Conventions";
inline constexpr const char* kTitle = "title";
inline constexpr const char* kTiersimVersion = "tiersim_version";
inline constexpr const char* kGitSha = "git_sha";
inline constexpr const char* kModel = "model";
inline constexpr const char* kConfigYaml = "config_yaml";
inline constexpr const char* kSeed = "seed";  ///< also the name of the per-run seed variable
inline constexpr const char* kCreated = "created";
inline constexpr const char* kHost = "host";
inline constexpr const char* kThreads = "threads";
inline constexpr const char* kProcesses = "processes";
inline constexpr const char* kCommand = "command";
inline constexpr const char* kCalendarStart = "calendar_start";
// CF-1.8 global attributes.
inline constexpr const char* kHistory = "history";
inline constexpr const char* kSource = "source";
inline constexpr const char* kReferences = "references";

// Root attributes of sweep files.
inline constexpr const char* kSweepYaml = "sweep_yaml";
inline constexpr const char* kSweepHash = "sweep_hash";
inline constexpr const char* kDesignKind = "design_kind";
inline constexpr const char* kDesignParameters = "design_parameters";  ///< dotted config paths
inline constexpr const char* kDesignVariables = "design_variables";    ///< their variables, same order
inline constexpr const char* kDesignSamples = "design_samples";
inline constexpr const char* kMorrisLevels = "morris_levels";
inline constexpr const char* kShard = "shard";             ///< "i/N", shard files only
inline constexpr const char* kInputFiles = "input_files";  ///< "SHA256  PATH" of every input file

// The leading dimension and the run plan and bookkeeping variables over it.
inline constexpr const char* kRun = "run";
inline constexpr const char* kPoint = "point";
inline constexpr const char* kReplicate = "replicate";
inline constexpr const char* kScenario = "scenario";
inline constexpr const char* kTrajectory = "trajectory";
inline constexpr const char* kRunStatus = "run_status";  ///< RunStatus codes, i8
inline constexpr const char* kRunError = "run_error";    ///< message of a failed run, "" otherwise

// Variable attributes.
inline constexpr const char* kUnits = "units";                 ///< UDUNITS (CF); counted things are "1"
inline constexpr const char* kTiersimUnits = "tiersim_units";  ///< the model's own unit, e.g. "H100e/month"
inline constexpr const char* kLongName = "long_name";
inline constexpr const char* kConfigPath = "config_path";   ///< a parameter variable's dotted config path
inline constexpr const char* kCoordinates = "coordinates";  ///< CF: the run plan, on every variable over run

}  // namespace schema
}  // namespace tiersim::output
