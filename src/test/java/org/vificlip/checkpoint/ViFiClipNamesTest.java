package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.vificlip.testing.ClipFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ViFi-CLIP's parameter names and order, against the order PyTorch gives ViFi-CLIP's module tree. */
class ViFiClipNamesTest {

    /** ViFiCLIP.named_parameters() as PyTorch lists them (tools/vificlip_parameter_order.py). */
    private static List<String> pytorchOrder(String file) throws IOException {
        List<String> names = Files.readAllLines(ClipFixtures.file("expected/" + file));
        names.removeIf(String::isBlank);
        return names;
    }

    private static List<String> openAi(List<String> vifiNames) {
        return vifiNames.stream().map(ViFiClipNames::toOpenAi).toList();
    }

    @Test
    void parameterOrderIsPyTorchsForFineTuning() throws IOException {
        List<String> expected = openAi(pytorchOrder("vificlip_named_parameters.txt"));
        List<String> keys = new ArrayList<>(ClipFixtures.baseWeights().tensors().keySet()); // OpenAI's state-dict order
        assertEquals(expected.size() + 1, keys.size(), "every base parameter but the token embedding");
        assertEquals(expected, ViFiClipNames.parameterOrder(keys));
        Collections.shuffle(keys, new Random(1));
        assertEquals(expected, ViFiClipNames.parameterOrder(keys));
        assertEquals("logit_scale", expected.get(0));
    }

    @Test
    void parameterOrderIsPyTorchsWithPrompts() throws IOException {
        List<String> expected = openAi(pytorchOrder("vificlip_named_parameters_prompting.txt"));
        assertTrue(expected.contains("visual.transformer.resblocks.1.VPT_shallow") && expected.contains("prompt_learner.ctx"));
        List<String> keys = new ArrayList<>(expected);
        Collections.shuffle(keys, new Random(2));
        assertEquals(expected, ViFiClipNames.parameterOrder(keys));
    }

    @Test
    void namesMapBothWays() throws IOException {
        for (String vifi : pytorchOrder("vificlip_named_parameters_prompting.txt")) {
            String openAi = ViFiClipNames.toOpenAi(vifi);
            assertEquals("module." + vifi, ViFiClipNames.toViFiClip(openAi));
            assertEquals(openAi, ViFiClipNames.toOpenAi("module." + vifi));
        }
        assertEquals("module.image_encoder.transformer.resblocks.0.attn.in_proj_weight",
                ViFiClipNames.toViFiClip("visual.transformer.resblocks.0.attn.in_proj_weight"));
        assertEquals("module.text_encoder.transformer.resblocks.0.ln_1.bias",
                ViFiClipNames.toViFiClip("transformer.resblocks.0.ln_1.bias"));
        assertEquals("module.text_encoder.ln_final.weight", ViFiClipNames.toViFiClip("ln_final.weight"));
        assertEquals("module.logit_scale", ViFiClipNames.toViFiClip("logit_scale"));
        assertEquals("text_projection", ViFiClipNames.toOpenAi("module.text_encoder.text_projection"));
        // the checkpoint reader uses the same mapping, and drops the prompt caches as ViFi-CLIP does
        assertEquals("visual.proj", ViFiClipCheckpoint.openAiName("module.image_encoder.proj"));
        assertNull(ViFiClipCheckpoint.openAiName("module.prompt_learner.token_prefix"));
    }

    @Test
    void namesOutsideViFiClipsModelAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ViFiClipNames.toViFiClip("token_embedding.weight"));
        assertTrue(e.getMessage().contains("token_embedding.weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ViFiClipNames.parameterOrder(List.of("logit_scale", "visual.transformer.resblocks.0.attn.q_proj.weight")));
        assertTrue(e.getMessage().contains("q_proj"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ViFiClipNames.parameterOrder(List.of("visual.conv1.bias")));
        assertThrows(IllegalArgumentException.class, () -> ViFiClipNames.parameterOrder(List.of("transformer.resblocks.x.ln_1.bias")));
        assertEquals(List.of(), ViFiClipNames.parameterOrder(List.of("token_embedding.weight")));
    }
}
