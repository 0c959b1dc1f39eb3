#include "validate/engine.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <queue>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "model/assert.h"

namespace pipecheck::validate {
namespace {

constexpr std::uint8_t kNoHops = 0xFF;

bool Any(const std::vector<std::uint64_t>& bits) {
  return std::any_of(bits.begin(), bits.end(), [](std::uint64_t word) { return word != 0; });
}

void Set(std::vector<std::uint64_t>& bits, std::uint32_t node) {
  bits[node / 64] |= std::uint64_t{1} << (node % 64);
}

// Civil date from days since 1970-01-01 (proleptic Gregorian).
void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
}

}  // namespace

std::string_view ToString(Need need) {
  switch (need) {
    case Need::kNothing: return "nothing";
    case Need::kInternal: return "internal";
    case Need::kOperation: return "operation";
    case Need::kImpossible: return "impossible";
  }
  PIPECHECK_ASSERT(false);
  return "";
}

std::string FormatTime(std::int64_t t_ms) {
  std::int64_t days = t_ms / 86'400'000;
  std::int64_t rest = t_ms % 86'400'000;
  if (rest < 0) {
    rest += 86'400'000;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days, year, month, day);
  const std::int64_t ms = rest % 1000;
  const std::int64_t s = rest / 1000;
  std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day, s / 3600,
                                 s / 60 % 60, s % 60);
  if (ms != 0) text += fmt::format(".{:03}", ms);
  return text + "Z";
}

std::string FormatSpan(std::int64_t ms) {
  if (ms < 1000) return fmt::format("{}ms", ms);
  std::string text;
  const std::int64_t seconds = ms / 1000;
  const std::int64_t parts[] = {seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
  const char* units[] = {"d", "h", "m", "s"};
  for (std::size_t i = 0; i < 4; ++i) {
    if (parts[i] != 0) text += fmt::format("{}{}", parts[i], units[i]);
  }
  return text;
}

std::uint64_t SubjectVerdict::GapsNeeding(Need need) const {
  std::uint64_t total = 0;
  for (const GapKind& gap : gaps) {
    if (gap.need == need) total += gap.count;
  }
  return total;
}

Judge::Judge(const Automaton& automaton, Options options)
    : automaton_(automaton), options_(options) {
  PIPECHECK_ASSERT(automaton.modes.size() <= 4);
  const std::size_t n = automaton.size();
  words_ = (n + 63) / 64;
  allowed_.assign(words_, 0);
  observable_.assign(automaton.table.states.size(), false);
  plain_labels_.assign(automaton.table.states.size(), -1);
  for (std::uint32_t node = 0; node < n; ++node) {
    if ((options.modes >> automaton.mode[node]) & 1U) Set(allowed_, node);
    if (automaton.state[node] != kUnobservable) observable_[automaton.state[node]] = true;
  }
  // The closures, one breadth-first search per node: automata have at most a
  // few thousand nodes, and this runs once.
  reach_.assign(n, Bits(words_, 0));
  reach_internal_.assign(n, Bits(words_, 0));
  std::vector<std::uint32_t> queue;
  for (int internal = 0; internal < 2; ++internal) {
    std::vector<Bits>& reach = internal != 0 ? reach_internal_ : reach_;
    for (std::uint32_t start = 0; start < n; ++start) {
      Bits& seen = reach[start];
      queue.assign(1, start);
      Set(seen, start);
      for (std::size_t head = 0; head < queue.size(); ++head) {
        for (const Automaton::Edge& edge : automaton.out[queue[head]]) {
          if (internal != 0 &&
              automaton.table.triggers[edge.trigger].kind == model::TriggerKind::kOperation) {
            continue;
          }
          if (Has(seen, edge.to)) continue;
          Set(seen, edge.to);
          queue.push_back(edge.to);
        }
      }
    }
  }
  // Belief 0: before the first observation, anything allowed, at no cost.
  Costs anything(n, kAbsent);
  for (std::uint32_t node = 0; node < n; ++node) {
    if (Has(allowed_, node)) anything[node] = 0;
  }
  Intern(std::move(anything));
}

std::uint32_t Judge::Intern(Costs costs) {
  const auto found = belief_ids_.find(costs);
  if (found != belief_ids_.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(beliefs_.size());
  Bits bits(words_, 0);
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (costs[node] != kAbsent) Set(bits, node);
  }
  belief_modes_.push_back(ModesOf(bits));
  belief_ids_.emplace(costs, id);
  beliefs_.push_back(std::move(bits));
  belief_costs_.push_back(std::move(costs));
  answers_.emplace_back();
  return id;
}

std::uint32_t Judge::ModesOf(const Bits& bits) const {
  std::uint32_t modes = 0;
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (Has(bits, node)) modes |= 1U << automaton_.mode[node];
  }
  return modes;
}

int Judge::LabelOf(std::string_view state, std::uint32_t care, std::uint32_t value, std::string& why) {
  const int index = automaton_.StateIndex(state);
  if (index < 0) {
    why.clear();
    return -1;
  }
  if (!observable_[static_cast<std::size_t>(index)]) {
    why = "the documents name it, but no row of the table enters it";
    return -1;
  }
  const Label label{static_cast<std::uint8_t>(index), care, value & care};
  // The common case, a state and no facts: one array lookup.
  std::int32_t& plain = plain_labels_[static_cast<std::size_t>(index)];
  if (care == 0 && plain >= 0) return plain;
  const auto found = label_ids_.find(label);
  if (found != label_ids_.end()) return static_cast<int>(found->second);
  const auto id = static_cast<std::uint32_t>(labels_.size());
  labels_.push_back(label);
  label_ids_.emplace(label, id);
  Bits nodes(words_, 0);
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (Has(allowed_, node) && automaton_.state[node] == label.state &&
        (automaton_.fact_bits[node] & label.care) == label.value) {
      Set(nodes, node);
    }
  }
  label_nodes_.push_back(std::move(nodes));
  if (care == 0) plain = static_cast<std::int32_t>(id);
  return static_cast<int>(id);
}

std::uint32_t Judge::Subject(std::string_view name) {
  const auto found = names_.find(name);
  if (found != names_.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(tracks_.size());
  tracks_.emplace_back();
  tracks_.back().verdict.name = std::string(name);
  tracks_.back().verdict.file = file_;
  names_.emplace(std::string(name), id);
  return id;
}

const Judge::Answer& Judge::Ask(std::uint32_t belief, std::uint32_t label) {
  if (answers_[belief].size() <= label) answers_[belief].resize(labels_.size());
  if (answers_[belief][label].known) return answers_[belief][label];
  const Bits& from = beliefs_[belief];
  const Bits& match = label_nodes_[label];
  Bits post(words_, 0);
  Bits post_internal(words_, 0);
  bool same = false;
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (!Has(from, node)) continue;
    same = same || Has(match, node);
    for (std::size_t w = 0; w < words_; ++w) {
      post[w] |= reach_[node][w];
      post_internal[w] |= reach_internal_[node][w];
    }
  }
  Bits next(words_, 0);
  bool internal = false;
  for (std::size_t w = 0; w < words_; ++w) {
    next[w] = post[w] & match[w];
    internal = internal || (post_internal[w] & match[w]) != 0;
  }
  Answer answer;
  answer.known = true;
  answer.need = same ? Need::kNothing
                : internal ? Need::kInternal
                : Any(next) ? Need::kOperation
                            : Need::kImpossible;
  // The fewest user operations that explain the history up to this
  // observation, per node: Dijkstra from the belief's costs, an operation
  // costing 1 and an event or fault nothing.
  const Costs& costs = belief_costs_[belief];
  constexpr std::uint16_t kFar = 0xFFFF;
  std::vector<std::uint16_t> cost(automaton_.size(), kFar);
  using Entry = std::pair<std::uint16_t, std::uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> frontier;
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (costs[node] != kAbsent) {
      cost[node] = costs[node];
      frontier.emplace(cost[node], node);
    }
  }
  while (!frontier.empty()) {
    const auto [at, node] = frontier.top();
    frontier.pop();
    if (at != cost[node]) continue;
    for (const Automaton::Edge& edge : automaton_.out[node]) {
      const bool operation =
          automaton_.table.triggers[edge.trigger].kind == model::TriggerKind::kOperation;
      const auto reached = static_cast<std::uint16_t>(at + (operation ? 1 : 0));
      if (reached >= cost[edge.to]) continue;
      cost[edge.to] = reached;
      frontier.emplace(reached, edge.to);
    }
  }
  std::deque<std::uint32_t> queue;
  std::uint16_t fewest = kFar;
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (Has(match, node)) fewest = std::min(fewest, cost[node]);
  }
  Costs next_costs(automaton_.size(), kAbsent);
  if (fewest != kFar) {
    answer.operations = fewest;
    for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
      if (Has(match, node) && cost[node] != kFar) {
        next_costs[node] = static_cast<std::uint8_t>(std::min<int>(cost[node] - fewest, kCostCap));
      }
    }
  }
  // Per mode, the fewest steps to a matching node from the belief's
  // cheapest nodes of that mode (modes never mix along a path).
  std::array<std::uint8_t, 4> cheapest{};
  cheapest.fill(kAbsent);
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    std::uint8_t& least = cheapest[automaton_.mode[node]];
    if (costs[node] != kAbsent) least = std::min(least, costs[node]);
  }
  answer.hops.fill(kNoHops);
  std::vector<std::uint8_t> distance(automaton_.size(), kNoHops);
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (costs[node] != kAbsent && costs[node] == cheapest[automaton_.mode[node]]) {
      distance[node] = 0;
      queue.push_back(node);
    }
  }
  while (!queue.empty()) {
    const std::uint32_t node = queue.front();
    queue.pop_front();
    if (Has(match, node)) {
      std::uint8_t& hops = answer.hops[automaton_.mode[node]];
      hops = std::min(hops, distance[node]);
    }
    for (const Automaton::Edge& edge : automaton_.out[node]) {
      if (distance[edge.to] != kNoHops || distance[node] + 1 >= kNoHops) continue;
      distance[edge.to] = static_cast<std::uint8_t>(distance[node] + 1);
      queue.push_back(edge.to);
    }
  }
  answer.next = Intern(std::move(next_costs));  // May grow beliefs_ and answers_.
  if (answers_[belief].size() <= label) answers_[belief].resize(labels_.size());
  answers_[belief][label] = answer;
  return answers_[belief][label];
}

std::vector<PathStep> Judge::ShortestPath(const Bits& from, std::uint32_t label,
                                          bool internal_only) const {
  const Bits& match = label_nodes_[label];
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> parent(automaton_.size(), kNone);
  std::vector<const Automaton::Edge*> via(automaton_.size(), nullptr);
  std::vector<bool> seen(automaton_.size(), false);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (Has(from, node)) {
      seen[node] = true;
      queue.push_back(node);
    }
  }
  while (!queue.empty()) {
    const std::uint32_t node = queue.front();
    queue.pop_front();
    if (Has(match, node) && parent[node] != kNone) {
      std::vector<PathStep> path;
      for (std::uint32_t at = node; parent[at] != kNone; at = parent[at]) {
        path.push_back({parent[at], at, via[at]->trigger, via[at]->row});
      }
      std::reverse(path.begin(), path.end());
      return path;
    }
    for (const Automaton::Edge& edge : automaton_.out[node]) {
      if (seen[edge.to]) continue;
      if (internal_only &&
          automaton_.table.triggers[edge.trigger].kind == model::TriggerKind::kOperation) {
        continue;
      }
      seen[edge.to] = true;
      parent[edge.to] = node;
      via[edge.to] = &edge;
      queue.push_back(edge.to);
    }
  }
  return {};
}

void Judge::CloseRun(Track& track) {
  if (options_.max_gap_ms < 0) return;
  const std::uint8_t state = labels_[track.run_start.label].state;
  if (automaton_.table.states[state].kind != model::StateKind::kTransient) return;
  const std::int64_t span = track.previous.t_ms - track.run_start.t_ms;
  if (span <= options_.max_gap_ms) return;
  SubjectVerdict& verdict = track.verdict;
  ++verdict.long_transients_total;
  if (verdict.long_transients.size() < kMaxListed) {
    verdict.long_transients.push_back({state, track.run_start, span});
  }
}

void Judge::Observe(std::uint32_t subject, std::uint32_t label, std::size_t line,
                    std::int64_t t_ms) {
  Track& track = tracks_[subject];
  SubjectVerdict& verdict = track.verdict;
  const Observed seen{line, t_ms, label};
  if (verdict.observations++ == 0) verdict.first = seen;
  verdict.last = seen;
  if (verdict.first_impossible.found) return;

  const Answer& answer = Ask(track.started ? track.belief : 0, label);
  if (answer.need == Need::kImpossible) {
    Impossible& impossible = verdict.first_impossible;
    impossible.found = true;
    impossible.has_from = track.started;
    impossible.from = track.previous;
    impossible.to = seen;
    Explain(track, label, impossible);
    if (track.started) CloseRun(track);
    return;
  }
  const std::uint32_t before = belief_modes_[track.started ? track.belief : 0];
  const std::uint32_t after = belief_modes_[answer.next];
  for (std::uint32_t m = 0; m < automaton_.modes.size(); ++m) {
    if (((before & ~after) >> m) & 1U) {
      track.ruled_out[m] = seen;
      bool in_state = false;
      for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
        in_state = in_state ||
                   (automaton_.mode[node] == m && automaton_.state[node] == labels_[label].state);
      }
      track.never_in[m] = !in_state;
    }
  }
  if (!track.started) {
    track.started = true;
    track.belief = answer.next;
    track.previous = seen;
    track.run_start = seen;
    return;
  }
  track.operations += answer.operations;
  if (answer.need != Need::kNothing) {
    for (std::size_t m = 0; m < automaton_.modes.size(); ++m) {
      if (answer.hops[m] != kNoHops && answer.hops[m] > 0) {
        track.unobserved_steps[m] += static_cast<std::uint64_t>(answer.hops[m] - 1);
      }
    }
    const std::uint32_t from_label = track.previous.label;
    auto gap = std::find_if(verdict.gaps.begin(), verdict.gaps.end(), [&](const GapKind& kind) {
      return kind.from_label == from_label && kind.to_label == label && kind.need == answer.need;
    });
    if (gap != verdict.gaps.end()) {
      ++gap->count;
    } else {
      GapKind kind;
      kind.from_label = from_label;
      kind.to_label = label;
      kind.need = answer.need;
      kind.count = 1;
      kind.first = seen;
      kind.path = ShortestPath(beliefs_[track.belief], label, answer.need == Need::kInternal);
      const std::uint8_t ends[] = {labels_[from_label].state, labels_[label].state};
      for (std::size_t i = 0; i + 1 < kind.path.size(); ++i) {
        const std::uint8_t state = automaton_.state[kind.path[i].to];
        if (state == kUnobservable || state == ends[0] || state == ends[1]) continue;
        if (std::find(kind.unobserved.begin(), kind.unobserved.end(), state) == kind.unobserved.end()) {
          kind.unobserved.push_back(state);
        }
      }
      verdict.gaps.push_back(std::move(kind));
    }
  }
  if (labels_[label].state != labels_[track.previous.label].state) {
    CloseRun(track);
    track.run_start = seen;
  }
  track.belief = answer.next;
  track.previous = seen;
}

void Judge::Unknown(std::uint32_t subject, std::string_view state, std::string_view why,
                    std::size_t line, std::int64_t t_ms) {
  SubjectVerdict& verdict = tracks_[subject].verdict;
  const Observed seen{line, t_ms, 0};
  if (verdict.observations++ == 0) verdict.first = seen;
  verdict.last = seen;
  ++verdict.unknown_states_total;
  if (verdict.unknown_states.size() < kMaxListed) {
    verdict.unknown_states.push_back({line, std::string(state), std::string(why)});
  }
}

std::vector<SubjectVerdict> Judge::Finish() {
  std::vector<SubjectVerdict> verdicts;
  verdicts.reserve(tracks_.size());
  for (Track& track : tracks_) {
    SubjectVerdict& verdict = track.verdict;
    if (!track.started) {
      verdict.modes = verdict.first_impossible.found ? 0 : belief_modes_[0];
    } else {
      if (!verdict.first_impossible.found) CloseRun(track);
      verdict.modes = belief_modes_[track.belief];
    }
    // Likely: the modes whose best explanation needs the fewest user
    // operations, then the fewest unobserved steps.
    const Costs& costs = belief_costs_[track.started ? track.belief : 0];
    std::array<std::uint8_t, 4> least{};
    least.fill(kAbsent);
    for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
      std::uint8_t& mode = least[automaton_.mode[node]];
      mode = std::min(mode, costs[node]);
    }
    std::pair<std::uint8_t, std::uint64_t> fewest{kAbsent, 0};
    bool any = false;
    for (std::uint32_t m = 0; m < automaton_.modes.size(); ++m) {
      if (!((verdict.modes >> m) & 1U)) continue;
      const std::pair<std::uint8_t, std::uint64_t> mode{least[m], track.unobserved_steps[m]};
      if (!any || mode < fewest) fewest = mode;
      any = true;
    }
    for (std::uint32_t m = 0; m < automaton_.modes.size(); ++m) {
      if (((verdict.modes >> m) & 1U) &&
          std::pair<std::uint8_t, std::uint64_t>{least[m], track.unobserved_steps[m]} == fewest) {
        verdict.likely |= 1U << m;
      }
    }
    verdict.operations_needed = track.operations;
    verdicts.push_back(std::move(verdict));
  }
  tracks_.clear();
  return verdicts;
}

std::string Judge::ModeList(std::uint32_t modes) const {
  // "cdc", "cdc or cdc_only", "cdc, cdc_only or snapshot".
  std::vector<std::string_view> names;
  for (std::uint32_t m = 0; m < automaton_.modes.size(); ++m) {
    if ((modes >> m) & 1U) names.push_back(automaton_.modes[m]);
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += i == 0 ? "" : i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text;
}

std::string Judge::LabelText(std::uint32_t label) const {
  const Label& seen = labels_[label];
  std::string text(automaton_.table.states[seen.state].name);
  for (std::size_t f = 0; f < automaton_.facts.size(); ++f) {
    if ((seen.care >> f) & 1U) {
      const FactView& fact = automaton_.facts[f];
      const std::string_view shown = ((seen.value >> f) & 1U) ? fact.when_true : fact.when_false;
      if (!shown.empty()) text += fmt::format(" {}", shown);
    }
  }
  return text;
}

std::string Judge::RowsInto(std::uint8_t state, std::uint32_t modes, std::vector<std::string>& sources,
                            bool mode_rows_only) const {
  const std::string_view name = automaton_.table.states[state].name;
  std::vector<std::string> parts;
  for (const model::RowView& row : automaton_.table.rows) {
    if (row.to != name || row.from == name) continue;
    bool in_modes = row.modes.empty();
    for (const std::string_view mode : row.modes) {
      for (std::uint32_t m = 0; m < automaton_.modes.size(); ++m) {
        in_modes = in_modes || (((modes >> m) & 1U) && automaton_.modes[m] == mode);
      }
    }
    if (!in_modes) continue;
    // Where the question is which modes reach the state, the rows that any
    // mode takes are no part of the answer.
    if (mode_rows_only && (row.modes.empty() || row.modes.size() >= automaton_.modes.size())) continue;
    const std::string from = row.from.empty() ? "(none)" : std::string(row.from);
    std::string part = fmt::format("{} --{}--> {}", from, row.trigger, row.to);
    if (!row.modes.empty() && row.modes.size() < automaton_.modes.size()) {
      std::string list;
      for (const std::string_view mode : row.modes) list += (list.empty() ? "" : ",") + std::string(mode);
      part += fmt::format(" [{}]", list);
    }
    part += fmt::format(" (row {}, {})", row.index, row.evidence.source);
    if (std::find(parts.begin(), parts.end(), part) == parts.end()) parts.push_back(part);
    // "CP-LC, CP-ADD": each source once.
    std::string_view rest = row.evidence.source;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view one = rest.substr(0, comma);
      while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
      if (!one.empty() && std::find(sources.begin(), sources.end(), one) == sources.end()) {
        sources.emplace_back(one);
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text;
}

void Judge::Explain(const Track& track, std::uint32_t label, Impossible& impossible) const {
  const Label& seen = labels_[label];
  const std::string_view state = automaton_.table.states[seen.state].name;
  const bool moded = automaton_.modes.size() > 1;
  // The modes in which the state occurs at all, and with the facts seen.
  std::uint32_t state_modes = 0;
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (automaton_.state[node] == seen.state) state_modes |= 1U << automaton_.mode[node];
  }
  const std::uint32_t label_modes = ModesOf(label_nodes_[label]);
  const std::uint32_t before = belief_modes_[track.started ? track.belief : 0];

  // A state the allowed modes never have.
  if (moded && (state_modes & options_.modes) == 0) {
    impossible.why = fmt::format("a pipe in mode {} is never {}: only mode {} reaches it ({})",
                                 ModeList(options_.modes), state, ModeList(state_modes),
                                 RowsInto(seen.state, state_modes, impossible.sources, true));
    impossible.nearest = fmt::format("legal for a pipe in mode {}, which --mode excludes", ModeList(state_modes));
    return;
  }
  // Facts that the state never has together.
  if (label_modes == 0) {
    std::uint32_t care = 0;
    for (std::size_t f = 0; f < automaton_.facts.size(); ++f) {
      if (!((seen.care >> f) & 1U)) continue;
      care |= 1U << f;
      bool any = false;
      for (std::uint32_t node = 0; node < automaton_.size() && !any; ++node) {
        any = Has(allowed_, node) && automaton_.state[node] == seen.state &&
              (automaton_.fact_bits[node] & care) == (seen.value & care);
      }
      if (any) continue;
      const FactView& fact = automaton_.facts[f];
      const bool value = (seen.value >> f) & 1U;
      impossible.why = fmt::format("{} is never reported with {}: {} ({})", state,
                                   value ? fact.when_true : fact.when_false, fact.rule, fact.source);
      impossible.nearest = fmt::format("{} with {} is legal", state, value ? fact.when_false : fact.when_true);
      impossible.sources.emplace_back(fact.source);
      return;
    }
    impossible.why = fmt::format("{} is never reported with these fields together", LabelText(label));
    return;
  }
  PIPECHECK_ASSERT(track.started);
  const std::string_view from = automaton_.table.states[labels_[track.previous.label].state].name;
  // The modes in which it is possible were ruled out by earlier observations.
  if (moded && (label_modes & before) == 0) {
    // Group the modes by the observation that ruled them out.
    std::string ruled;
    std::uint32_t done = 0;
    for (std::uint32_t m = 0; m < automaton_.modes.size(); ++m) {
      if (!((label_modes >> m) & 1U) || ((done >> m) & 1U)) continue;
      const Observed& where = track.ruled_out[m];
      std::uint32_t group = 0;
      for (std::uint32_t k = m; k < automaton_.modes.size(); ++k) {
        if (((label_modes >> k) & 1U) && track.ruled_out[k].line == where.line &&
            track.never_in[k] == track.never_in[m]) {
          group |= 1U << k;
        }
      }
      done |= group;
      const std::string_view at = automaton_.table.states[labels_[where.label].state].name;
      ruled += fmt::format("{}a pipe in mode {} {} (line {})", ruled.empty() ? "" : "; ", ModeList(group),
                           track.never_in[m] ? fmt::format("is never {}", at)
                                             : fmt::format("cannot be {} after what came before", at),
                           where.line);
    }
    impossible.why = fmt::format("a pipe in mode {} is never {}: only mode {} reaches it ({}); and {}",
                                 ModeList(before), state, ModeList(label_modes),
                                 RowsInto(seen.state, label_modes, impossible.sources, true), ruled);
    impossible.nearest = fmt::format("legal for a pipe in mode {}, which the earlier observations rule out",
                                     ModeList(label_modes));
    return;
  }
  // No path from what the pipe could be to the state seen.
  Bits post(words_, 0);
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (!Has(beliefs_[track.belief], node)) continue;
    for (std::size_t w = 0; w < words_; ++w) post[w] |= reach_[node][w];
  }
  std::vector<bool> reachable(automaton_.table.states.size(), false);
  for (std::uint32_t node = 0; node < automaton_.size(); ++node) {
    if (Has(post, node) && automaton_.state[node] != kUnobservable) reachable[automaton_.state[node]] = true;
  }
  std::string reach_list;
  for (std::size_t s = 0; s < reachable.size(); ++s) {
    if (reachable[s]) reach_list += fmt::format("{}{}", reach_list.empty() ? "" : ", ", automaton_.table.states[s].name);
  }
  const std::uint32_t all = (1U << automaton_.modes.size()) - 1;
  const std::string mode_text =
      moded && before != all ? fmt::format(" for a pipe in mode {}", ModeList(before)) : "";
  const std::string rows = RowsInto(seen.state, before, impossible.sources, false);
  impossible.why = fmt::format("no sequence of operations, events and faults leads from {} to {}{}",
                               from, LabelText(label), mode_text);
  if (!rows.empty()) impossible.why += fmt::format("; {} is entered only by {}", state, rows);
  impossible.why += fmt::format("; from {} the pipe can reach only {}", from, reach_list);
  // Were the two lines swapped? The reverse may be legal.
  bool reverse = false;
  const Bits& back = label_nodes_[track.previous.label];
  for (std::uint32_t node = 0; node < automaton_.size() && !reverse; ++node) {
    if (!Has(label_nodes_[label], node) || !((before >> automaton_.mode[node]) & 1U)) continue;
    for (std::size_t w = 0; w < words_ && !reverse; ++w) reverse = (reach_[node][w] & back[w]) != 0;
  }
  impossible.nearest =
      reverse ? fmt::format("the reverse, {} -> {}, is legal: were the two observations recorded out of order?",
                            state, from)
              : fmt::format("no legal step sequence joins them in either order; {} is entered only by {}",
                            state, rows.empty() ? "no row" : rows);
}

}  // namespace pipecheck::validate
