// zkinfer-modelgen: writes synthetic ONNX models (and matching example inputs) for tests and benchmarks.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "modelgen.hpp"

namespace {

constexpr const char* kUsage = R"(usage: zkinfer-modelgen <kind> [-o FILE.onnx] [--example-input FILE.json] [options]

kinds:
  mlp                Gemm+Relu layers            --sizes 784,256,128,10  [--matmul]
  lenet5             MNIST 1x1x28x28             [--pool max|avg]
  vgg11, vgg16       CIFAR-10 1x3x32x32          [--no-bn] [--fc 512,512 | --fc none] [--pool max|avg]
                                                 [--channel-div 1|2|4|8|...] (conv widths / N)
  tiny-transformer   one pre-LN block            [--width 64] [--heads 4] [--seq 16] [--ff 4*width]
  gpt                GPT-2 style decoder         [--layers 2] [--heads 4] [--width 64] [--context 32]
                                                 [--vocab 512] [--ff 4*width] [--mask add|where] [--tie-embeddings]
  gpt-block          one decoder block of gpt on float hidden states [1, context, width]; defaults are
                     GPT-2 small's: --width 768 --heads 12 --ff 3072 --context 64 --gelu tanh
                     (--layers 12 only sets the residual init scale)
transformer options:
  --gelu erf|tanh          nn.GELU()'s erf form (default) or GPT-2's tanh approximation
  --fused-qkv              one c_attn projection split into Q, K, V (as GPT-2 and nanoGPT) instead of three
common options:
  -o, --output FILE        write the ONNX model
  --example-input FILE     write a random input as {"input_data": [[...]]}
  --seed N                 weight and input seed (default 0)
  --opset N                ONNX opset, 13..17 (default 17)
  --batch N                fixed batch size (default 1)
  --dynamic-batch          make the batch dimension the symbol "batch"
At least one of -o and --example-input is required.
)";

int64_t parse_int(const std::string& flag, const std::string& text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) throw zk::Error(flag + ": expected an integer, got '" + text + "'");
  return v;
}

std::vector<int64_t> parse_list(const std::string& flag, const std::string& text) {
  std::vector<int64_t> out;
  if (text == "none" || text.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    out.push_back(parse_int(flag, text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string shape_text(const std::vector<int64_t>& dims, bool dynamic) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += (i == 0 && dynamic) ? "batch" : std::to_string(dims[i]);
  }
  return s + "]";
}

int run(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  zk::modelgen::Spec spec = zk::modelgen::default_spec(zk::modelgen::parse_kind(args[0]));
  std::string out_path, input_path;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw zk::Error(a + " needs a value");
      return args[++i];
    };
    if (a == "-o" || a == "--output") out_path = value();
    else if (a == "--example-input") input_path = value();
    else if (a == "--seed") {
      const std::string& v = value();
      uint64_t seed = 0;
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
      if (ec != std::errc() || ptr != v.data() + v.size()) throw zk::Error("--seed: expected an unsigned integer, got '" + v + "'");
      spec.seed = seed;
    }
    else if (a == "--opset") spec.opset = static_cast<int>(parse_int(a, value()));
    else if (a == "--batch") spec.batch = parse_int(a, value());
    else if (a == "--dynamic-batch") spec.dynamic_batch = true;
    else if (a == "--sizes") spec.sizes = parse_list(a, value());
    else if (a == "--matmul") spec.mlp_matmul = true;
    else if (a == "--pool") {
      const std::string& v = value();
      if (v == "max") spec.pool = zk::modelgen::Pool::kMax;
      else if (v == "avg") spec.pool = zk::modelgen::Pool::kAvg;
      else throw zk::Error("--pool: expected max or avg, got '" + v + "'");
    }
    else if (a == "--no-bn") spec.batch_norm = false;
    else if (a == "--fc") spec.vgg_fc = parse_list(a, value());
    else if (a == "--channel-div") spec.vgg_channel_div = parse_int(a, value());
    else if (a == "--width") spec.width = parse_int(a, value());
    else if (a == "--heads") spec.heads = parse_int(a, value());
    else if (a == "--seq") spec.seq = parse_int(a, value());
    else if (a == "--ff") spec.ff = parse_int(a, value());
    else if (a == "--layers") spec.layers = parse_int(a, value());
    else if (a == "--context") spec.context = parse_int(a, value());
    else if (a == "--vocab") spec.vocab = parse_int(a, value());
    else if (a == "--mask") {
      const std::string& v = value();
      if (v == "add") spec.mask = zk::modelgen::Mask::kAdditive;
      else if (v == "where") spec.mask = zk::modelgen::Mask::kWhere;
      else throw zk::Error("--mask: expected add or where, got '" + v + "'");
    }
    else if (a == "--gelu") {
      const std::string& v = value();
      if (v == "erf") spec.gelu = zk::modelgen::Gelu::kErf;
      else if (v == "tanh") spec.gelu = zk::modelgen::Gelu::kTanh;
      else throw zk::Error("--gelu: expected erf or tanh, got '" + v + "'");
    }
    else if (a == "--tie-embeddings") spec.tie_embeddings = true;
    else if (a == "--fused-qkv") spec.fused_qkv = true;
    else throw zk::Error("unknown option '" + a + "' (see --help)");
  }
  if (out_path.empty() && input_path.empty()) throw zk::Error("nothing to do: give -o FILE and/or --example-input FILE");

  if (!out_path.empty()) {
    const auto model = zk::modelgen::generate(spec);
    zk::modelgen::write_file(out_path, zk::modelgen::serialize(model.proto));
    std::printf("%s: %s, %lld parameters, input %s %s, output %s float\n", out_path.c_str(),
                zk::modelgen::kind_name(spec.kind).c_str(), static_cast<long long>(model.parameters),
                shape_text(model.input_shape, spec.dynamic_batch).c_str(), model.int64_input ? "int64" : "float",
                shape_text(model.output_shape, spec.dynamic_batch).c_str());
  }
  if (!input_path.empty()) {
    zk::modelgen::write_file(input_path, zk::modelgen::example_input_json(spec));
    std::printf("%s: example input\n", input_path.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const zk::Error& e) {
    std::fprintf(stderr, "zkinfer-modelgen: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zkinfer-modelgen: internal error: %s\n", e.what());
    return 3;
  }
}
