import Foundation
import ModelMeter

/// The decode stage's time: `Σ_{i=0}^{N−1} max(C(L₀ + i), M(L₀ + i))` in closed form.
///
/// ```
/// C(L) = C₀ + C_Δ·L   compute seconds of a step (tensor core + CUDA core)
/// M(L) = M₀ + M_Δ·L   memory seconds of a step
/// D(i) = C(L₀ + i) − M(L₀ + i) is affine in i, so {i : D(i) > 0} is a prefix or a suffix of 0…N−1
/// Σ over a run a…b−1 of x₀ + x_Δ·L = (b − a)·x(L₀ + a) + x_Δ·(b − a)(b − a − 1)/2
/// ```
public struct DecodeTime: Sendable {
    public let seconds: Double
    public let memoryBoundSteps: Int
    public let computeBoundSteps: Int
    public let boundBy: RooflineBound
    /// Compute and memory seconds of the first step and their growth per cached position.
    public let computeSeconds: (first: Double, slope: Double)
    public let memorySeconds: (first: Double, slope: Double)
    /// Steps `i` (from 0, at `L₀ + i` cached positions) bound by compute; the steps before and
    /// after it are bound by memory.
    public let computeBoundRun: Range<Int>
    /// Output tokens `N`: steps `0…N−1`.
    public let steps: Int
    private let tensorPeak: Double, cudaPeak: Double, bandwidth: Double

    public init(cost: PageCost, gpu: GPUSpec) throws {
        let precision = cost.page.precision
        tensorPeak = try gpu.tensorCorePeak(for: precision).teraFLOPS * 1e12
        cudaPeak = gpu.cudaCorePeak.teraFLOPS * 1e12
        bandwidth = gpu.memoryBandwidthGBps * 1e9
        let first = cost.firstStep, slope = cost.decodeStep.cost.slope
        let n = cost.page.outputTokens
        steps = n
        let (c0, cs, m0, ms) = (
            Double(first.tensorCoreFLOPs) / tensorPeak + Double(first.cudaCoreFLOPs) / cudaPeak,
            Double(slope.tensorCoreFLOPs) / tensorPeak + Double(slope.cudaCoreFLOPs) / cudaPeak,
            Double(first.ioBytes) / bandwidth, Double(slope.ioBytes) / bandwidth)
        computeSeconds = (c0, cs)
        memorySeconds = (m0, ms)
        func computeBound(_ i: Int) -> Bool { c0 + cs * Double(i) > m0 + ms * Double(i) }
        // D(i) = d0 + ds·i; find the run of compute-bound steps.
        let (d0, ds) = (c0 - m0, cs - ms)
        var computeRun: Range<Int>
        if ds == 0 {
            computeRun = d0 > 0 ? 0..<n : 0..<0
        } else {
            let crossing = -d0 / ds
            if ds > 0 {
                var start = crossing.isFinite ? Int(max(0, min(Double(n), crossing.rounded(.down) + 1))) : n
                while start > 0 && computeBound(start - 1) { start -= 1 }
                while start < n && !computeBound(start) { start += 1 }
                computeRun = start..<n
            } else {
                var end = crossing.isFinite ? Int(max(0, min(Double(n), crossing.rounded(.up)))) : 0
                while end < n && computeBound(end) { end += 1 }
                while end > 0 && !computeBound(end - 1) { end -= 1 }
                computeRun = 0..<end
            }
        }
        computeBoundRun = computeRun
        computeBoundSteps = computeRun.count
        memoryBoundSteps = n - computeRun.count
        seconds = Self.split(compute: (c0, cs), memory: (m0, ms), computeBoundRun: computeRun, steps: n)
        if memoryBoundSteps >= computeBoundSteps {
            boundBy = .memory
        } else {
            // The middle compute-bound step decides between tensor-core and CUDA-core compute.
            let middle = computeRun.lowerBound + computeRun.count / 2
            boundBy = try RooflinePoint(cost: try cost.decodeStep.cost.at(cost.page.promptTokens + middle), gpu: gpu, precision: precision).bound
        }
    }

    /// The decode time a part of every step takes (a module class, `first` its cost in the
    /// first step, `slope` its growth per cached position), charged with the roof that binds
    /// each whole step: `Σ_{compute-bound i} compute(part at i) + Σ_{memory-bound i} bytes(part at i) / bandwidth`.
    /// Parts that add up to the step add up to `seconds`.
    public func seconds(ofPart first: PassCost, slope: PassCost) -> Double {
        let c0 = Double(first.tensorCoreFLOPs) / tensorPeak + Double(first.cudaCoreFLOPs) / cudaPeak
        let cs = Double(slope.tensorCoreFLOPs) / tensorPeak + Double(slope.cudaCoreFLOPs) / cudaPeak
        let (m0, ms) = (Double(first.ioBytes) / bandwidth, Double(slope.ioBytes) / bandwidth)
        return Self.split(compute: (c0, cs), memory: (m0, ms), computeBoundRun: computeBoundRun, steps: steps)
    }

    /// `Σ_{i ∈ compute run} (C₀ + C_Δ·i) + Σ_{i ∈ memory runs} (M₀ + M_Δ·i)`, each run an arithmetic series.
    private static func split(
        compute: (first: Double, slope: Double), memory: (first: Double, slope: Double), computeBoundRun: Range<Int>, steps: Int
    ) -> Double {
        /// Σ_{i=a}^{b−1} (x₀ + x_Δ·i).
        func series(_ x: (first: Double, slope: Double), _ run: Range<Int>) -> Double {
            let count = Double(run.count)
            guard run.count > 0 else { return 0 }
            return count * x.first + x.slope * (Double(run.lowerBound) + Double(run.upperBound - 1)) * count / 2
        }
        let memoryRuns: [Range<Int>] = computeBoundRun.isEmpty
            ? [0..<steps] : [0..<computeBoundRun.lowerBound, computeBoundRun.upperBound..<steps]
        return series(compute, computeBoundRun) + memoryRuns.reduce(0) { $0 + series(memory, $1) }
    }
}
