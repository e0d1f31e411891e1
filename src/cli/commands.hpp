#pragma once
// Subcommands of `zkinfer`: one file each, registered by main.cpp. A subcommand parses its own
// options and does its work in a callback; it reports problems by throwing zk::Error (main turns
// that into "error: <message>" and exit code 2).
#include <CLI/CLI.hpp>

namespace zk::cli {

void add_run_command(CLI::App& app);
void add_proof_commands(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_ops_command(CLI::App& app);  // in run.cpp

}  // namespace zk::cli
