// The tiersim executable: everything lives in the tiersim::sim and tiersim::models
// libraries; main only connects the two.
#include "models/register.hpp"
#include "sim/cli/app.hpp"

int main(int argc, char** argv) { return tiersim::cli::run_app(argc, argv, tiersim::models::catalog()); }
