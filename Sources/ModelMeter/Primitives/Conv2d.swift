/// `nn.Conv2d(Cin → Cout, k×k, stride s, padding p)` on a `[B, Cin, H, W]` input.
///
/// ```
/// conv      (tensor core)  forward 2·B·Cout·Ho·Wo·Cin·k²   backward dW (+ dX when the input needs a gradient), each = forward
/// bias add  (CUDA core)    forward B·Cout·Ho·Wo            (fused in the conv epilogue)
/// ```
/// Saved for backward (`convolution`): the input X, even when X needs no gradient (dW needs it).
/// A convolution that is constructed but never called (`executed: false`, like CLIP's
/// `patch_embedding` in DeepSeek-OCR) has parameters but no terms.
public struct Conv2d: Layer {
    public let typeName = "Conv2d"
    /// The term name of the convolution ("patch convolution", "neck conv 3×3").
    public let termName: String
    public let batch: Formula
    public let inChannels: Formula
    public let outChannels: Formula
    public let kernel: Formula
    public let outputHeight: Formula
    public let outputWidth: Formula
    public let inputHeight: Formula
    public let inputWidth: Formula
    public let hasBias: Bool
    public let inputNeedsGradient: Bool
    public let executed: Bool
    private let shape: (cin: Int, cout: Int, k: Int)

    /// Throws when the declared output size disagrees with `⌊(H + 2p − k)/s⌋ + 1`.
    public init(
        _ termName: String, batch: Formula, inChannels: Formula, outChannels: Formula,
        kernel: Formula, stride: Int, padding: Int,
        input: (height: Formula, width: Formula), output: (height: Formula, width: Formula),
        bias: Bool, inputNeedsGradient: Bool = true, executed: Bool = true
    ) throws {
        let layer = "Conv2d \(termName)"
        self.termName = termName
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.inputHeight = input.height
        self.inputWidth = input.width
        self.outputHeight = output.height
        self.outputWidth = output.width
        self.hasBias = bias
        self.inputNeedsGradient = inputNeedsGradient
        self.executed = executed
        let k = try ModelMeterError.requirePositive(kernel.evaluate(), "kernel size", in: layer)
        shape = (
            try ModelMeterError.requirePositive(inChannels.evaluate(), "in_channels", in: layer),
            try ModelMeterError.requirePositive(outChannels.evaluate(), "out_channels", in: layer), k)
        try ModelMeterError.requirePositive(batch.evaluate(), "batch", in: layer)
        try ModelMeterError.requirePositive(stride, "stride", in: layer)
        for (inSize, outSize, axis) in [(input.height, output.height, "height"), (input.width, output.width, "width")] {
            let size = try inSize.evaluate()
            guard size + 2 * padding >= k else {
                throw ModelMeterError.invalidShape(
                    layer: layer, what: "input \(axis)", reason: "\(size) is smaller than the \(k)×\(k) kernel")
            }
            let expected = (size + 2 * padding - k) / stride + 1
            guard try outSize.evaluate() == expected else {
                throw ModelMeterError.invalidShape(
                    layer: layer, what: "output \(axis)",
                    reason: "\(try outSize.evaluate()) differs from ⌊(\(size) + 2·\(padding) − \(k))/\(stride)⌋ + 1 = \(expected)")
            }
        }
    }

    public var symbols: [Symbol] { terms.first?.forwardFLOPs.symbols ?? [] }

    public var ownParameters: [ParameterTensor] {
        [ParameterTensor("weight", [shape.cout, shape.cin, shape.k, shape.k])]
            + (hasBias ? [ParameterTensor("bias", [shape.cout])] : [])
    }

    /// Unused convolutions' weights receive no gradient.
    public var parametersReceiveGradients: Bool { executed }

    public var steps: [Step] { terms.map(Step.term) }

    /// The cost terms, in execution order.
    public var terms: [CostTerm] {
        guard executed else { return [] }
        let outputPixels = batch * outChannels * outputHeight * outputWidth
        let kernelArea: Formula = kernel == .one ? .one : .power(kernel, 2)
        let forward = 2 * outputPixels * inChannels * kernelArea
        let weights = outChannels * inChannels * kernelArea + (hasBias ? outChannels : .zero)
        let input = batch * inChannels * inputHeight * inputWidth
        let inputGradient = inputNeedsGradient
            ? Traffic(activationReads: outputPixels, weightReads: weights, writes: input) : .none
        var terms = [CostTerm(
            name: termName, unit: .tensorCore,
            forwardFLOPs: forward, backwardFLOPs: (inputNeedsGradient ? 2 : 1) * forward,
            forwardTraffic: Traffic(activationReads: input, weightReads: weights, writes: outputPixels),
            backwardTraffic: Traffic(
                activationReads: input + outputPixels + inputGradient.activationReads,
                weightReads: inputGradient.weightReads, writes: weights + inputGradient.writes),
            savedElements: input, savedTensors: "input X")]
        if hasBias {
            terms.append(CostTerm(
                name: named(String(termName.split(separator: " ").first ?? Substring(termName)), "bias add"),
                unit: .cudaCore, forwardFLOPs: outputPixels, backwardFLOPs: outputPixels,
                forwardTraffic: .none, backwardTraffic: Traffic(activationReads: outputPixels, writes: outChannels)))
        }
        return terms
    }
}
