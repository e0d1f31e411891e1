// zkinfer: the command line. Each subcommand lives in its own file and registers itself here.
// Exit codes: 0 success, 1 invalid proof (verify), 2 usage or input error.
#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "common/error.hpp"
#include "zkinfer/zkinfer.hpp"

namespace {

// One line on stderr always; under --json also a JSON document on stdout, so that a program
// reading stdout gets a parseable answer whatever happened.
int fail(int code, const std::string& message) {
  zk::cli::clear_status_line();
  std::fprintf(stderr, "error: %s\n", message.c_str());
  if (zk::cli::output_flags().json && code == 2) zk::cli::emit_json({{"error", message}, {"exit_code", code}});
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"zkinfer: zero-knowledge proofs of ML inference"};
  app.require_subcommand(1);
  // Global flags may also follow the subcommand (`zkinfer verify ... -q`); set before the
  // subcommands are added, which inherit it.
  app.fallthrough();
  auto& flags = zk::cli::output_flags();
  app.add_flag("-q,--quiet", flags.quiet, "print errors only");
  app.add_flag("-v,--verbose", flags.verbose, "print the time each phase took (stderr)");
  app.footer("Example: zkinfer prove model.onnx --input input.json   (then: zkinfer <command> --help)");
  zk::cli::add_run_command(app);
  zk::cli::add_proof_commands(app);
  zk::cli::add_bench_command(app);
  zk::cli::add_ops_command(app);
  // Progress on long steps: a status line on a terminal only; pipes and files get exactly the
  // output they would get without it.
  zk::cli::start_status_line();
  try {
    app.parse(argc, argv);
    zk::cli::clear_status_line();
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const zk::VerifyError& e) {
    return fail(1, e.what());
  } catch (const zk::Error& e) {
    return fail(2, e.what());
  } catch (const zkinfer::Error& e) {
    return fail(2, e.what());
  } catch (const std::exception& e) {
    return fail(2, std::string("internal: ") + e.what());
  }
  return 0;
}
