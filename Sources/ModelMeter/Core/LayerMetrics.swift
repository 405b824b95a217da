/// Every number of a layer at one precision.
public struct LayerMetrics: Sendable, Hashable {
    public var parameters: Int
    public var forward: PassCost
    public var backward: PassCost
    public var memory: MemoryCost
}
