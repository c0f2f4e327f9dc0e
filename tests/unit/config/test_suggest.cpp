// "Did you mean" help in error messages (sim/config/suggest.hpp).
#include <catch2/catch.hpp>

#include "sim/config/suggest.hpp"

using namespace tiersim;

TEST_CASE("nearest_key only suggests plausible typos", "[config]") {
  CHECK(config::nearest_key("sede", {"seed", "model"}) == "seed");
  CHECK(config::nearest_key("zzzzzz", {"seed", "model"}).empty());
  CHECK(config::edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("a suggestion names the likely typo and lists what is valid", "[config]") {
  const config::Suggestion s("sede", {"seed", "model", "calendar"});
  CHECK(s.guess() == "seed");
  CHECK(s.listed() == "seed, model, calendar");
  CHECK(s.did_you_mean() == "; did you mean 'seed'?");
  CHECK(s.did_you_mean("run") == "; did you mean 'run.seed'?");
  CHECK(s.aside() == " (did you mean 'seed'?)");
  CHECK(s.hint() == "; did you mean 'seed'? (available: seed, model, calendar)");
  CHECK(s.hint("valid keys here", "run") == "; did you mean 'run.seed'? (valid keys here: seed, model, calendar)");
}

TEST_CASE("without a plausible typo only the list is given", "[config]") {
  const config::Suggestion s("zzzzzz", {"seed", "model"});
  CHECK(s.guess().empty());
  CHECK(s.did_you_mean().empty());
  CHECK(s.aside().empty());
  CHECK(s.hint() == " (available: seed, model)");
  CHECK(config::list_names({}).empty());
  CHECK(config::Suggestion("x", {}).hint() == " (available: )");
}
