package org.vificlip.checkpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings weight names to OpenAI CLIP's: strips DistributedDataParallel's {@code module.} prefix, and maps
 * Hugging Face {@code CLIPModel} names back, inverting transformers'
 * {@code convert_clip_original_pytorch_to_hf.py}: q/k/v projections are concatenated into
 * {@code in_proj_weight}/{@code in_proj_bias} (q first), {@code fc1}/{@code fc2} are {@code c_fc}/{@code c_proj},
 * {@code pre_layrnorm} (sic)/{@code post_layernorm} are {@code ln_pre}/{@code ln_post}, and the two output
 * projections, {@code [out,in]} Linear weights there, are transposed back to OpenAI's {@code [in,out]}.
 */
final class ClipNames {

    private static final Logger log = LoggerFactory.getLogger(ClipNames.class);

    private static final Pattern HF_LAYER = Pattern.compile("(text|vision)_model\\.encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern HF_QKV = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)");

    private static final Map<String, String> HF_TOP = Map.ofEntries(
            Map.entry("logit_scale", "logit_scale"),
            Map.entry("text_model.embeddings.token_embedding.weight", "token_embedding.weight"),
            Map.entry("text_model.embeddings.position_embedding.weight", "positional_embedding"),
            Map.entry("text_model.final_layer_norm.weight", "ln_final.weight"),
            Map.entry("text_model.final_layer_norm.bias", "ln_final.bias"),
            Map.entry("vision_model.embeddings.class_embedding", "visual.class_embedding"),
            Map.entry("vision_model.embeddings.patch_embedding.weight", "visual.conv1.weight"),
            Map.entry("vision_model.embeddings.position_embedding.weight", "visual.positional_embedding"),
            Map.entry("vision_model.pre_layrnorm.weight", "visual.ln_pre.weight"),
            Map.entry("vision_model.pre_layrnorm.bias", "visual.ln_pre.bias"),
            Map.entry("vision_model.post_layernorm.weight", "visual.ln_post.weight"),
            Map.entry("vision_model.post_layernorm.bias", "visual.ln_post.bias"));

    /** Stored {@code [out,in]} by Hugging Face, {@code [in,out]} by OpenAI. */
    private static final Map<String, String> HF_TRANSPOSED = Map.of(
            "text_projection.weight", "text_projection",
            "visual_projection.weight", "visual.proj");

    private static final Map<String, String> HF_BLOCK_PARTS = Map.of(
            "layer_norm1.", "ln_1.",
            "layer_norm2.", "ln_2.",
            "mlp.fc1.", "mlp.c_fc.",
            "mlp.fc2.", "mlp.c_proj.",
            "self_attn.out_proj.", "attn.out_proj.");

    private ClipNames() {
    }

    static PickledWeights toOpenAi(PickledWeights w) {
        Map<String, TensorSource> tensors = stripPrefix(w.tensors(), "module.");
        Map<String, String> refused = stripPrefix(w.refused(), "module.");
        if (tensors.keySet().stream().anyMatch(k -> k.startsWith("vision_model.") || k.startsWith("text_model."))) {
            return new PickledWeights(fromHuggingFace(tensors), refused);
        }
        return new PickledWeights(tensors, refused);
    }

    /** Removes {@code prefix} when every key carries it (a model saved from inside a DDP wrapper). */
    static <V> Map<String, V> stripPrefix(Map<String, V> m, String prefix) {
        if (m.isEmpty() || !m.keySet().stream().allMatch(k -> k.startsWith(prefix))) return m;
        Map<String, V> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return out;
    }

    static Map<String, TensorSource> fromHuggingFace(Map<String, TensorSource> hf) {
        Map<String, TensorSource> out = new LinkedHashMap<>();
        // openai block prefix -> {"weight"/"bias" -> q, k, v}
        Map<String, TensorSource[]> qkv = new LinkedHashMap<>();
        for (Map.Entry<String, TensorSource> e : hf.entrySet()) {
            String name = e.getKey();
            TensorSource t = e.getValue();
            if (HF_TOP.containsKey(name)) {
                out.put(HF_TOP.get(name), t);
                continue;
            }
            if (HF_TRANSPOSED.containsKey(name)) {
                out.put(HF_TRANSPOSED.get(name), new Transposed(t));
                continue;
            }
            Matcher m = HF_LAYER.matcher(name);
            if (m.matches()) {
                String block = (m.group(1).equals("vision") ? "visual." : "") + "transformer.resblocks." + m.group(2) + ".";
                String rest = m.group(3);
                Matcher q = HF_QKV.matcher(rest);
                if (q.matches()) {
                    String key = block + "attn.in_proj_" + q.group(2);
                    int index = "qkv".indexOf(q.group(1));
                    qkv.computeIfAbsent(key, k -> new TensorSource[3])[index] = t;
                    continue;
                }
                String mapped = mapBlockPart(rest);
                if (mapped != null) {
                    out.put(block + mapped, t);
                    continue;
                }
            }
            log.debug("Hugging Face key '{}' has no OpenAI counterpart; ignored", name);
        }
        qkv.forEach((key, parts) -> {
            if (parts[0] != null && parts[1] != null && parts[2] != null) {
                out.put(key, new Concatenated(parts));
            } else {
                log.debug("incomplete q/k/v projections for '{}'; left out", key);
            }
        });
        return out;
    }

    private static String mapBlockPart(String rest) {
        for (Map.Entry<String, String> p : HF_BLOCK_PARTS.entrySet()) {
            if (rest.startsWith(p.getKey())) return p.getValue() + rest.substring(p.getKey().length());
        }
        return null;
    }

    /** A 2-D tensor read transposed. */
    record Transposed(TensorSource inner) implements TensorSource {
        @Override
        public long[] shape() {
            long[] s = inner.shape();
            return s.length == 2 ? new long[]{s[1], s[0]} : s;
        }

        @Override
        public String dtype() {
            return inner.dtype();
        }

        @Override
        public String unsupportedReason() {
            if (inner.shape().length != 2) return "expected a matrix to transpose, found shape " + java.util.Arrays.toString(inner.shape());
            return inner.unsupportedReason();
        }

        @Override
        public float[] readFloats() throws IOException {
            float[] v = inner.readFloats();
            int rows = (int) inner.shape()[0];
            int cols = (int) inner.shape()[1];
            float[] t = new float[v.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c];
            }
            return t;
        }
    }

    /** Tensors stacked along their first dimension (q, k, v into one in-projection). */
    record Concatenated(TensorSource[] parts) implements TensorSource {
        @Override
        public long[] shape() {
            long[] s = parts[0].shape().clone();
            if (s.length == 0) return s;
            for (int i = 1; i < parts.length; i++) s[0] += parts[i].shape()[0];
            return s;
        }

        @Override
        public String dtype() {
            return parts[0].dtype();
        }

        @Override
        public String unsupportedReason() {
            for (TensorSource p : parts) {
                String r = p.unsupportedReason();
                if (r != null) return r;
                if (p.shape().length == 0) return "cannot concatenate scalars";
                long[] a = java.util.Arrays.copyOfRange(p.shape(), 1, p.shape().length);
                long[] b = java.util.Arrays.copyOfRange(parts[0].shape(), 1, parts[0].shape().length);
                if (!java.util.Arrays.equals(a, b)) return "q/k/v projections of different shapes";
            }
            return null;
        }

        @Override
        public float[] readFloats() throws IOException {
            float[][] values = new float[parts.length][];
            int total = 0;
            for (int i = 0; i < parts.length; i++) {
                values[i] = parts[i].readFloats();
                total += values[i].length;
            }
            float[] out = new float[total];
            int at = 0;
            for (float[] v : values) {
                System.arraycopy(v, 0, out, at, v.length);
                at += v.length;
            }
            return out;
        }
    }
}
