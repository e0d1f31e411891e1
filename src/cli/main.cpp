// zkinfer: the command line. Each subcommand lives in its own file and registers itself here.
// Exit codes: 0 success, 1 invalid proof (verify), 2 usage or input error.
#include <cstdio>

#include "cli/commands.hpp"
#include "common/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"zkinfer: zero-knowledge proofs of ML inference"};
  app.require_subcommand(1);
  zk::cli::add_run_command(app);
  zk::cli::add_proof_commands(app);
  zk::cli::add_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const zk::VerifyError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const zk::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: internal: %s\n", e.what());
    return 2;
  }
  return 0;
}
