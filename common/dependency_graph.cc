#include "common/dependency_graph.h"

#include <algorithm>
#include <map>
#include <utility>

#include "common/config_values.h"
#include "common/py_text.h"

namespace sup {
namespace {

Error invalidEntry(std::string_view entry, const std::string& why) {
  return Error{"invalid 'depends_on' entry " + py::repr(entry) + " (" + why + ")"};
}

bool plainName(std::string_view s) {
  return !s.empty() && s.find_first_of(" \t:/*") == std::string_view::npos;
}

std::string namespecOf(std::string_view group, std::string_view name) {
  return group == name ? std::string(name) : std::string(group) + ":" + std::string(name);
}

}  // namespace

Result<DependencySpec> parseDependencySpec(std::string_view entry) {
  size_t colon = entry.find(':');
  DependencySpec spec;
  if (colon == std::string_view::npos) {
    if (!plainName(entry)) return invalidEntry(entry, "expected NAME, GROUP:NAME or GROUP:*");
    spec.group = std::string(entry);
    return spec;
  }
  std::string_view group = entry.substr(0, colon), process = entry.substr(colon + 1);
  if (!plainName(group) || (process != "*" && !plainName(process)))
    return invalidEntry(entry, "expected NAME, GROUP:NAME or GROUP:*");
  spec.group = std::string(group);
  if (process != "*") spec.process = std::string(process);
  return spec;
}

namespace cv {
Result<std::vector<std::string>> dependsOn(std::string_view text) {
  std::vector<std::string> out;
  if (py::strip(text).empty()) return out;
  for (const std::string& entry : listOfStrings(text)) {
    auto spec = parseDependencySpec(entry);
    if (!spec.ok()) return spec.error();
    if (std::find(out.begin(), out.end(), entry) == out.end()) out.push_back(entry);
  }
  return out;
}
}  // namespace cv

DependencyEdges resolveDependencies(const std::vector<DependencyNode>& nodes) {
  std::map<std::string_view, std::vector<size_t>> by_group;
  for (size_t i = 0; i < nodes.size(); ++i) by_group[nodes[i].group].push_back(i);
  DependencyEdges edges;
  edges.deps.resize(nodes.size());
  edges.missing.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].depends_on) continue;
    std::vector<size_t>& deps = edges.deps[i];
    for (const std::string& entry : *nodes[i].depends_on) {
      auto spec = parseDependencySpec(entry);
      auto group = spec.ok() ? by_group.find(spec->group) : by_group.end();
      bool found = false;
      if (group != by_group.end()) {
        for (size_t j : group->second) {
          if (spec->process && nodes[j].name != *spec->process) continue;
          found = true;
          if (std::find(deps.begin(), deps.end(), j) == deps.end()) deps.push_back(j);
        }
      }
      if (!found) edges.missing[i].push_back(entry);
    }
  }
  return edges;
}

std::vector<size_t> findDependencyCycle(const std::vector<std::vector<size_t>>& deps) {
  enum Color : char { kWhite, kGrey, kBlack };
  std::vector<Color> color(deps.size(), kWhite);
  // Depth-first, iterative: (node, index of the next edge to follow).
  std::vector<std::pair<size_t, size_t>> stack;
  for (size_t root = 0; root < deps.size(); ++root) {
    if (color[root] != kWhite) continue;
    stack.push_back({root, 0});
    color[root] = kGrey;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == deps[node].size()) {
        color[node] = kBlack;
        stack.pop_back();
        continue;
      }
      size_t to = deps[node][next++];
      if (color[to] == kGrey) {
        // The grey nodes on the stack from `to` up to here are the cycle.
        std::vector<size_t> cycle;
        auto from = std::find_if(stack.begin(), stack.end(),
                                 [to](const auto& frame) { return frame.first == to; });
        for (auto it = from; it != stack.end(); ++it) cycle.push_back(it->first);
        cycle.push_back(to);
        return cycle;
      }
      if (color[to] == kWhite) {
        color[to] = kGrey;
        stack.push_back({to, 0});
      }
    }
  }
  return {};
}

Status checkDependencies(const std::vector<GroupConfig>& groups,
                         const std::function<std::string(const ProcessConfig&)>& where) {
  std::vector<const ProcessConfig*> procs;
  std::vector<DependencyNode> nodes;
  bool any = false;
  for (const GroupConfig& g : groups) {
    if (g.shadowed) continue;
    for (const ProcessConfig& p : g.processes) {
      procs.push_back(&p);
      nodes.push_back(DependencyNode{g.name, p.name, &p.depends_on});
      any = any || !p.depends_on.empty();
    }
  }
  if (!any) return okStatus();
  DependencyEdges edges = resolveDependencies(nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (edges.missing[i].empty()) continue;
    const std::string& entry = edges.missing[i].front();
    auto spec = parseDependencySpec(entry);
    std::string what = !spec.ok()      ? "unknown name " + py::repr(entry)
                       : spec->process ? "unknown process " + py::repr(entry)
                       : entry.find(':') != std::string::npos
                           ? "unknown group " + py::repr(spec->group)
                           : "unknown program or group " + py::repr(entry);
    return Error{"depends_on names " + what + where(*procs[i])};
  }
  std::vector<size_t> cycle = findDependencyCycle(edges.deps);
  if (cycle.empty()) return okStatus();
  std::string path;
  for (size_t i : cycle) {
    path += (path.empty() ? "" : " -> ") + namespecOf(nodes[i].group, nodes[i].name);
  }
  return Error{"depends_on makes a cycle: " + path + where(*procs[cycle.front()])};
}

}  // namespace sup
