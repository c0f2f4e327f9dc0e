#include <catch2/catch.hpp>

#include "sim/config/yaml_loader.hpp"
#include "sim/core/error.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tiersim;
using Catch::Matchers::Contains;

TEST_CASE("YAML keeps 1-based line and column of every key and value", "[config]") {
  const auto n = config::parse_yaml("a: 1\nb:\n  c: hello\n", "f.yaml");
  REQUIRE(n.is_map());
  const auto* b = n.find("b");
  REQUIRE(b != nullptr);
  const auto* c = b->find("c");
  REQUIRE(c != nullptr);
  CHECK(c->text() == "hello");
  CHECK(c->origin().file == "f.yaml");
  CHECK(c->origin().line == 3);
  CHECK(c->origin().column == 6);
  CHECK(b->entries()[0].key_origin.describe() == "f.yaml:3:3");
}

TEST_CASE("quoted scalars are marked so '1' stays a string", "[config]") {
  const auto n = config::parse_yaml("a: \"1\"\nb: 1\n", "f.yaml");
  CHECK(n.find("a")->quoted());
  CHECK_FALSE(n.find("b")->quoted());
}

TEST_CASE("syntax errors and duplicate keys name the file and line", "[config]") {
  CHECK_THROWS_WITH(config::parse_yaml("a: [1, 2\n", "bad.yaml"), Contains("bad.yaml:") && Contains("invalid YAML"));
  CHECK_THROWS_WITH(config::parse_yaml("a: 1\nb: 2\na: 3\n", "dup.yaml"),
                    Contains("dup.yaml:3:1") && Contains("'a' appears twice") && Contains("dup.yaml:1:1"));
}

TEST_CASE("missing, empty and directory files are input errors", "[config]") {
  test::TempDir dir;
  CHECK_THROWS_AS(config::load_yaml_file(dir / "nope.yaml"), InputError);
  CHECK_THROWS_WITH(config::load_yaml_file(dir.write("empty.yaml", "")), Contains("empty"));
  CHECK_THROWS_WITH(config::load_yaml_file(dir.path()), Contains("directory"));
}

TEST_CASE("base: inheritance merges maps and lets the child win", "[config]") {
  test::TempDir dir;
  dir.write("sub/base.yaml", "seed: 1\nparams:\n  p: 0.1\n  q: 0.2\n");
  const auto child = dir.write("sub/child.yaml", "base: base.yaml\nparams:\n  q: 0.5\n");
  const auto n = config::load_config_file(child);
  CHECK(n.find("base") == nullptr);
  CHECK(n.find("seed")->text() == "1");
  CHECK(n.find("params")->find("p")->text() == "0.1");
  CHECK(n.find("params")->find("q")->text() == "0.5");
  CHECK(n.find("params")->find("q")->origin().file == child.string());
}

TEST_CASE("a map both files write is located in the child, a map only the base writes in the base", "[config]") {
  test::TempDir dir;
  dir.write("sub/base.yaml", "seed: 1\nparams:\n  data: {countries: t.csv}\n  demand: {q: 0.2}\n");
  const auto child = dir.write("sub/child.yaml", "# a comment\nbase: base.yaml\nparams:\n  demand: {p: 0.5}\n");
  const auto n = config::load_config_file(child);
  const std::string c = child.string();
  CHECK(n.origin().describe() == c + ":2:1");                       // the root: the file the user gave
  CHECK(n.find_path("params")->origin().describe() == c + ":4:3");  // written in both
  CHECK(n.find_path("params.demand")->origin().describe() == c + ":4:11");
  CHECK(n.find_path("params.data")->origin().file == (dir / "sub/base.yaml").string());  // the base alone
  CHECK(n.find_path("params.demand.q")->origin().file == (dir / "sub/base.yaml").string());
}

TEST_CASE("a null in a child replaces the inherited value instead of removing it", "[config]") {
  test::TempDir dir;
  dir.write("base.yaml", "seed: 4\nparams: {q: 0.2}\n");
  const auto child = dir.write("child.yaml", "base: base.yaml\nseed: ~\n");
  const auto n = config::load_config_file(child);
  REQUIRE(n.find("seed") != nullptr);  // kept, so that decoding refuses it at child.yaml:2:7
  CHECK(n.find("seed")->is_null());
  CHECK(n.find("seed")->origin().describe() == child.string() + ":2:7");
}

TEST_CASE("cyclic and missing bases are refused", "[config]") {
  test::TempDir dir;
  dir.write("a.yaml", "base: b.yaml\n");
  dir.write("b.yaml", "base: a.yaml\n");
  CHECK_THROWS_WITH(config::load_config_file(dir / "a.yaml"), Contains("cycle"));
  const auto m = dir.write("m.yaml", "seed: 1\nbase: gone.yaml\n");
  CHECK_THROWS_WITH(config::load_config_file(m), Contains("m.yaml:2:7") && Contains("gone.yaml"));
}

TEST_CASE("command-line overrides create, replace and refuse to descend into scalars", "[config]") {
  auto n = config::parse_yaml("params:\n  p: 0.1\n", "f.yaml");
  config::apply_override(n, "params.q=0.7");
  config::apply_override(n, "params.p=0.2");
  config::apply_override(n, "list=[1, 2]");
  CHECK(n.find("params")->find("q")->text() == "0.7");
  CHECK(n.find("params")->find("p")->text() == "0.2");
  CHECK(n.find("params")->find("p")->origin().file.find("--set params.p=0.2") != std::string::npos);
  CHECK(n.find("list")->items().size() == 2);
  CHECK_THROWS_WITH(config::apply_override(n, "params.p.x=1"),
                    "<command line> --set params.p.x=1: key 'p' holds a single value (set at "
                    "<command line> --set params.p=0.2), cannot set 'params.p.x'");
  CHECK_THROWS_WITH(config::apply_override(n, "params..p=1"), Contains("empty component in key 'params..p'"));
  CHECK_THROWS_WITH(config::apply_override(n, "params.p.=1"), Contains("empty component in key 'params.p.'"));
  CHECK_THROWS_WITH(config::apply_override(n, "novalue"), Contains("KEY=VALUE"));
}

TEST_CASE("to_yaml output parses back to the same tree", "[config]") {
  const std::string text = "a: 1\nb:\n  c: \"x: y\"\n  d: [1, 2.5]\n  e: {}\nf:\n  - g: 1\n";
  const auto n = config::parse_yaml(text, "f.yaml");
  const auto again = config::parse_yaml(config::to_yaml(n), "again.yaml");
  CHECK(config::to_yaml(again) == config::to_yaml(n));
  CHECK(again.find("b")->find("c")->text() == "x: y");
}

TEST_CASE("text that is not UTF-8 is refused at its line and column", "[config]") {
  // Valid multi-byte characters count as one column each.
  CHECK(config::parse_yaml("name: \"r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x93\x88\"\n", "f.yaml").find("name") != nullptr);
  CHECK_THROWS_WITH(config::parse_yaml("a: 1\nname: caf\xe9\n", "f.yaml"),
                    "f.yaml:2:10: not UTF-8 text (byte 0xe9); save the file as UTF-8");
  CHECK_THROWS_WITH(config::parse_yaml("a: \xc3\xa9\xc0\xaf\n", "f.yaml"),
                    Contains("f.yaml:1:5: not UTF-8 text (byte 0xc0)"));
  CHECK_THROWS_WITH(config::parse_yaml("a: \xed\xa0\x80\n", "f.yaml"), Contains("(byte 0xed)"));      // surrogate
  CHECK_THROWS_WITH(config::parse_yaml("a: \xf4\x90\x80\x80\n", "f.yaml"), Contains("(byte 0xf4)"));  // > U+10FFFF
  CHECK_THROWS_WITH(config::parse_yaml("a: b\xe2\x82", "f.yaml"), Contains("f.yaml:1:5"));            // cut short
  config::Node root = config::Node::map({});
  CHECK_THROWS_WITH(config::apply_override(root, "a=\xff"), Contains("not UTF-8 text (byte 0xff)"));
}
