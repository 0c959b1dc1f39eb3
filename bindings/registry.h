// bindings/registry.h: the lifecycles pipecheck knows, chosen by name.
//
// The command line chooses a binding once, here, and then runs code written
// once over it:
//
//   return bindings::WithBinding(request.model, [&]<class B>(B) { return Run<B>(request); });
//
// Every binding (see binding.h) is an empty type, so `f` receives a value of
// it only to learn its type. Adding a lifecycle adds its binding to the one
// list below, `Lifecycles`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "bindings/clickpipe.h"
#include "bindings/mongosync.h"
#include "model/assert.h"
#include "model/input_error.h"
#include "sim/scenario.h"

namespace pipecheck::bindings {

template <class... Bindings>
struct BindingList {};

// Every lifecycle pipecheck knows, in the order of the help text.
using Lifecycles = BindingList<ClickPipe, Mongosync>;

// Calls f(B{}) for every binding, in the order of the help text.
template <class F>
void ForEachBinding(F&& f) {
  [&]<class... Bs>(BindingList<Bs...>) { (f(Bs{}), ...); }(Lifecycles{});
}

// "clickpipe or mongosync": the names of the bindings for which
// pred(B{}) is true, as help and error text joins them.
template <class Pred>
std::string BindingNames(Pred&& pred) {
  std::vector<std::string_view> names;
  ForEachBinding([&](auto binding) {
    if (pred(binding)) names.push_back(decltype(binding)::kName);
  });
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text;
}

// Every binding's name: "clickpipe or mongosync".
inline std::string BindingNames() {
  return BindingNames([](auto) { return true; });
}

namespace internal {

// The first binding of the list for which Matches<B>() holds, given to f.
template <class Matches, class F, class Otherwise, class B, class... Rest>
decltype(auto) Choose(Matches&& matches, F&& f, Otherwise&& otherwise, BindingList<B, Rest...>) {
  if (matches(B{})) return std::forward<F>(f)(B{});
  if constexpr (sizeof...(Rest) > 0) {
    return Choose(std::forward<Matches>(matches), std::forward<F>(f),
                  std::forward<Otherwise>(otherwise), BindingList<Rest...>{});
  } else {
    otherwise();
    PIPECHECK_ASSERT(false);  // `otherwise` throws.
  }
}

}  // namespace internal

// Calls f(B{}) with the binding named `model` (the --model flag) and returns
// what f returns; an unknown name is an InputError on --model.
template <class F>
decltype(auto) WithBinding(std::string_view model, F&& f) {
  return internal::Choose([model](auto binding) { return decltype(binding)::kName == model; },
                          std::forward<F>(f), [model] {
                            throw InputError(fmt::format("unknown model '{}'; expected {}", model,
                                                         BindingNames()),
                                             "--model");
                          },
                          Lifecycles{});
}

// The same, by a scenario file's "model" field (already validated by the
// scenario parser, so every value has its binding).
template <class F>
decltype(auto) WithBinding(sim::ModelKind model, F&& f) {
  return internal::Choose([model](auto binding) { return decltype(binding)::kKind == model; },
                          std::forward<F>(f), [] { PIPECHECK_ASSERT(false); }, Lifecycles{});
}

}  // namespace pipecheck::bindings
