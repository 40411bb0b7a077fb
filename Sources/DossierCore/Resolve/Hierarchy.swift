/// `part_of` (actors) and `within` (places) resolved to entity indices, checked for cycles.
struct Hierarchy {
    /// parents[i]: indices of the entities entity i belongs to.
    private(set) var parents: [[Int]]
    /// children[i]: members (actors) or contained places, sorted by name.
    private(set) var children: [[Int]]

    init(directory: EntityDirectory, diagnostics: inout Diagnostics) {
        let entities = directory.entities
        parents = Array(repeating: [], count: entities.count)
        children = Array(repeating: [], count: entities.count)
        for (index, entity) in entities.enumerated() {
            for reference in entity.parents {
                guard let parent = directory.index(kind: entity.kind, id: reference.value) else {
                    let suggestion = Suggestion.closest(to: reference.value,
                                                        in: entities.filter { $0.kind == entity.kind }.map(\.id))
                    diagnostics.error("dossier.entity.unknown-parent", entity.file, line: reference.line,
                                      column: reference.column,
                                      "unknown \(entity.kind.rawValue) id '\(reference.value)' in '\(entity.kind.parentKey)'",
                                      notes: suggestion.map { ["did you mean '\($0)'?"] } ?? [])
                    continue
                }
                if !parents[index].contains(parent) { parents[index].append(parent) }
            }
        }
        breakCycles(entities: entities, diagnostics: &diagnostics)
        for (index, list) in parents.enumerated() {
            for parent in list { children[parent].append(index) }
        }
        children = children.map { $0.sorted { entities[$0].name < entities[$1].name } }
    }

    /// Reports every cycle with its whole chain and cuts it, so later walks terminate.
    private mutating func breakCycles(entities: [Entity], diagnostics: inout Diagnostics) {
        enum State { case unvisited, active, done }
        var state = Array(repeating: State.unvisited, count: entities.count)
        for start in entities.indices where state[start] == .unvisited {
            // Iterative DFS: (node, next parent position) frames, so deep chains cannot overflow the stack.
            var path: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = .active
            while let top = path.last {
                let list = parents[top.node]
                if top.next >= list.count {
                    state[top.node] = .done
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let parent = list[top.next]
                switch state[parent] {
                case .unvisited:
                    state[parent] = .active
                    path.append((parent, 0))
                case .active:
                    let cycleStart = path.firstIndex { $0.node == parent } ?? 0
                    let chain = path[cycleStart...].map { entities[$0.node].id } + [entities[parent].id]
                    let entity = entities[top.node]
                    let reference = entity.parents.first { $0.value == entities[parent].id }
                    diagnostics.error("dossier.entity.cycle", entity.file, line: reference?.line ?? 1,
                                      column: reference?.column ?? 1,
                                      "'\(entity.kind.parentKey)' forms a cycle: " + chain.joined(separator: " → "))
                    parents[top.node].removeAll { $0 == parent }
                    path[path.count - 1].next -= 1
                case .done:
                    break
                }
            }
        }
    }

    mutating func pad(to count: Int) {
        while parents.count < count {
            parents.append([])
            children.append([])
        }
    }

    /// Ancestors nearest first (for breadcrumbs use the first parent chain).
    func ancestorChain(of index: Int) -> [Int] {
        var chain: [Int] = []
        var seen: Set<Int> = [index]
        var current = index
        while let parent = parents[current].first, !seen.contains(parent) {
            chain.append(parent)
            seen.insert(parent)
            current = parent
        }
        return chain
    }

    /// All entities below `index`, in breadth-first order.
    func descendants(of index: Int) -> [Int] {
        var result: [Int] = []
        var seen: Set<Int> = [index]
        var queue = children[index]
        var position = 0
        while position < queue.count {
            let next = queue[position]
            position += 1
            guard seen.insert(next).inserted else { continue }
            result.append(next)
            queue.append(contentsOf: children[next])
        }
        return result
    }
}
