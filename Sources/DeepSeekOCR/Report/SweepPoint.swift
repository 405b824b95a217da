import Foundation
import ModelMeter

/// One workload point of a sweep, with the label tables and charts show for it.
public struct SweepPoint: Sendable {
    public let label: String
    public let workload: Workload

    public init(label: String, workload: Workload) {
        self.label = label
        self.workload = workload
    }
}
