// What a model asks the engine about its parameters' input (sim/engine/model.hpp): where a
// key was written, for messages, and which file a relative data path names.
#include <catch2/catch.hpp>

#include "sim/config/yaml_loader.hpp"
#include "sim/engine/model.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tiersim;

namespace {

struct Context {
  time::Calendar calendar{time::YearMonth{2025, 1}, 12};
  engine::Executor executor{1};
  engine::ModelContext at(const config::Node* params, std::filesystem::path config_dir = "/cfg") const {
    return engine::ModelContext{calendar, 1, 0, executor, std::move(config_dir), params};
  }
};

}  // namespace

TEST_CASE("where names the deepest written part of params.KEY", "[engine][model]") {
  const Context c;
  const auto root = config::parse_yaml("params:\n  demand:\n    chn_share: 0.2\n  seed: 1\n", "m.yaml");
  const config::Node* params = root.find("params");
  const auto ctx = c.at(params);
  CHECK(ctx.where("demand.chn_share") == "m.yaml:3:16: key 'params.demand.chn_share'");
  CHECK(ctx.where("demand.usa_share") == "m.yaml:3:5: key 'params.demand.usa_share'");  // the demand map
  CHECK(ctx.where("policy.events") == "m.yaml:2:3: key 'params.policy.events'");        // the params map
  CHECK(c.at(nullptr).where("demand.chn_share") == "<defaults>: key 'params.demand.chn_share'");
}

TEST_CASE("where locates a default in the config the user gave, not in a base", "[engine][model]") {
  const Context c;
  test::TempDir dir;
  dir.write("base.yaml", "params:\n  data:\n    countries: t.csv\n  demand:\n    q: 1\n");
  const auto child = dir.write("child.yaml",
                               "base: base.yaml\nparams:\n  g:\n    firms:\n      - {hq: USA}\n"
                               "      - {hq: XYZ}\n");
  const auto bare = dir.write("bare.yaml", "# nothing but the base\nbase: base.yaml\n");
  const std::string ch = child.string();
  for (const bool with_set : {false, true}) {
    auto root = config::load_config_file(child);
    if (with_set) config::apply_override(root, "params.extra.x=1");
    auto ctx = c.at(root.find("params"));
    ctx.config_root = &root;
    // Written: at the value, wherever it was written (a list item by its index).
    CHECK(ctx.where("g.firms[1].hq") == ch + ":6:14: key 'params.g.firms[1].hq'");
    CHECK(ctx.where("data.countries").find("base.yaml:3:16: key 'params.data.countries'") != std::string::npos);
    CHECK(ctx.written("g.firms[1].hq"));
    CHECK_FALSE(ctx.written("demand.r"));
    // Defaults: in child.yaml, never in base.yaml (which wrote `demand:` and `data:`).
    CHECK(ctx.where("demand.r") == ch + ":3:3: key 'params.demand.r'");  // the child's params map
    CHECK(ctx.where("g.capex") == ch + ":4:5: key 'params.g.capex'");    // the child's g map
  }
  auto root = config::load_config_file(bare);
  auto ctx = c.at(root.find("params"));
  ctx.config_root = &root;
  CHECK(ctx.where("demand.r") == bare.string() + ":2:1: key 'params.demand.r'");  // its first key
  config::apply_override(root, "params.demand.s=2");
  CHECK(ctx.where("demand.s") == "<command line> --set params.demand.s=2: key 'params.demand.s'");
}

TEST_CASE("data_file resolves against the file that wrote the key", "[engine][model]") {
  const Context c;
  test::TempDir dir;
  dir.write("shared/base.yaml", "params:\n  data:\n    countries: table.csv\n    other: x.csv\n");
  const auto child = dir.write("runs/child.yaml", "base: ../shared/base.yaml\nparams:\n  data:\n    other: y.csv\n");
  auto root = config::load_config_file(child);
  config::apply_override(root, "params.data.extra=z.csv");
  const auto ctx = c.at(root.find("params"), child.parent_path());

  // Written in the base file: relative to the base file, not to the config that names it.
  CHECK(ctx.data_file("data.countries", "table.csv").lexically_normal() == dir / "shared/table.csv");
  CHECK(ctx.data_file("data.other", "y.csv") == dir / "runs/y.csv");
  // From the command line, or not written at all: relative to the config's directory.
  CHECK(ctx.data_file("data.extra", "z.csv") == dir / "runs/z.csv");
  CHECK(ctx.data_file("data.missing", "d.csv") == dir / "runs/d.csv");
  CHECK(c.at(nullptr, "/cfg").data_file("data.countries", "d.csv") == std::filesystem::path("/cfg/d.csv"));
  // Absolute paths stay as written.
  CHECK(ctx.data_file("data.countries", "/abs/t.csv") == std::filesystem::path("/abs/t.csv"));
}
