import ModelMeter

/// One sentence per reference module: what autograd keeps for it and which of those tensors
/// depend on the backend (the CPU fp32 trace versus a GPU run).
public enum SavedSetNotes {
    public static func note(for module: String, kernel: AttentionKernel, delta: Int) -> String {
        let kept: String
        switch module {
        case "sam.PatchEmbed":
            kept = "the convolution keeps its input, the image, although the image needs no gradient (dW needs it)"
        case "sam.net_2", "sam.net_3":
            kept = "the convolution keeps its input"
        case "sam.LayerNorm2d":
            kept = "the composite ops keep x − u twice, √(var + ε) per pixel and the normalised x, not the input"
        case "sam.neck":
            kept = "conv inputs plus two LayerNorm2d save sets"
        case "sam.MLPBlock":
            kept = "lin1's input, GELU's input and lin2's input"
        case "sam.Attention.global", "sam.Attention.windowed":
            kept = "math path: packed Q, K, V (a view of the projection output when B = 1, a copy otherwise), "
                + "Q·√s, K·√s, P, the einsums' permuted query copies (two when B = 1, one otherwise), "
                + "gathered tables with int64 indices, the copied attention output"
        case "sam.Block.global", "sam.Block.windowed":
            kept = "two LayerNorms (input, fp32 mean and rstd), attention, MLP; window partition and residual adds keep nothing"
        case "sam.ImageEncoderViT":
            kept = "patch_embed, 12 blocks, neck, net_2, net_3; the position-table resize keeps nothing"
        case "clip.CLIPVisionEmbeddings":
            kept = "only the position lookup's int64 indices (257 × 8 B); cat, resize and add keep nothing"
        case "clip.NoTPAttention":
            kept = "fused kernel: packed Q, K, V, the output (shared with out_proj's input) and the fp32 log-sum-exp "
                + "(CPU: [B, h, S]; CUDA's memory-efficient kernel pads S to a multiple of 32)"
        case "clip.NoTPFeedForward":
            kept = "fc1's input, quick_gelu's x and σ(1.702·x), fc2's input"
        case "clip.NoTPTransformerBlock", "clip.NoTPTransformer", "clip.VitModel":
            kept = "LayerNorms, fused attention and feed-forward save sets; each layer's input kept once by its LayerNorm"
        case "proj.MlpProjector.linear":
            kept = "the Linear keeps its input"
        case "norm.DeepseekV2RMSNorm":
            kept = "x in fp32 (the input at fp32), rstd per row (fp32) and the normalised x kept by the weight multiply"
        case "attn.LlamaAttention":
            kept = "eager path: the input (q, k and v projections share it), cos and sin (RoPE keeps the tables, not q or k), "
                + "q and k after RoPE, the fp32 softmax output P (P·V takes the same storage), v, o_proj's contiguous input"
        case "mlp.DeepseekV2MLP.dense":
            kept = "SwiGLU: the input once (gate_proj and up_proj share it), g, silu(g), u and down_proj's input"
        case "moe.MoEGate":
            kept = "the input, fp32 scores, int64 top-k indices and the auxiliary loss's per-sequence expert counts"
        case "moe.DeepseekV2MoE":
            kept = "training path: the gate's set, two boolean masks per expert, the T·k gathered rows and their SwiGLU "
                + "tensors (totals independent of the routing), y and the top-k weights, the shared experts"
        case "layer.DeepseekV2DecoderLayer.dense_idx0", "layer.DeepseekV2DecoderLayer.moe_idx1":
            kept = "two RMSNorms, attention and the MLP or MoE; each branch input is its norm's output; residual adds keep nothing"
        case "embed.embed_tokens":
            kept = "only the int64 token ids (the lookup's indices)"
        case "head.lm_head":
            kept = "the Linear keeps its input"
        case "stack.DeepseekV2ForCausalLM.2layers":
            kept = "token ids, two layers (each layer's input kept by its first RMSNorm), the final RMSNorm and lm_head's input"
        default:
            kept = "the save sets of its pieces"
        }
        let verdict = delta == 0 ? "Exact" : "Differs by \(SIUnits.grouped(delta)) B"
        return "\(verdict): \(kept)."
    }
}
