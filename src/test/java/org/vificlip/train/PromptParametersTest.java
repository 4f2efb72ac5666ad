package org.vificlip.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.BadInputException;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.model.ClipConfig;
import org.vificlip.model.PromptConfig;
import org.vificlip.model.RandomWeights;
import org.vificlip.text.ClipTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prompt design of the authors' configs, ViFi-CLIP's initialisation, and checks on the weights given. */
class PromptParametersTest {
    private static final Path CONFIGS = Path.of("src/test/fixtures/vificlip-configs");
    /** Width 64, 2 layers per tower: small and quick. */
    private static final ClipConfig TINY = new ClipConfig(32, 32, 2, 64, 16, 77, 49408, 64, 2);

    @Test
    void theAuthorsPromptingConfigsGiveTheirDesignAndPrompts() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CONFIGS)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        int prompting = 0;
        for (Path file : files) {
            ViFiClipConfig config = ViFiClipConfig.load(file, List.of());
            PromptConfig design = PromptParameters.design(config);
            boolean inPromptingFolder = file.toString().contains("prompting_");
            assertEquals(inPromptingFolder, design != null, file.toString());
            if (design == null) {
                continue;
            }
            prompting++;
            int n = config.trainer().nCtxText();
            assertTrue(n == 10 || n == 16, file + ": " + design);
            assertEquals(design.depthText(), design.depthVision());
            // more than 4 tokens: random context, the class prompt is n X's then the name
            assertEquals(String.join(" ", java.util.Collections.nCopies(n, "X")) + " {}.",
                    ClassPrompts.template(config).template(), file.toString());
        }
        assertEquals(24, prompting, "few-shot (12) and base-to-novel (12) prompting configs");
    }

    @Test
    void contextFromTheWordsOfCtxInitUpToFourTokensElseNormal() throws Exception {
        StateDict weights = RandomWeights.of(TINY, 3);
        INDArray table = weights.get("token_embedding.weight");
        PromptConfig words = new PromptConfig(4, 2, 2, 2, "a_photo_of_a");
        Map<String, INDArray> init = PromptParameters.initial(table, TINY, words, 5);
        int[] ids = ClipTokenizer.load().tokenize(List.of("a photo of a"), 77, true)[0];
        for (int j = 0; j < 4; j++) {
            assertEquals(table.getRow(ids[1 + j]), init.get(PromptConfig.TEXT_CONTEXT).getRow(j), "token " + j);
        }
        assertEquals(List.of(PromptConfig.TEXT_CONTEXT, PromptConfig.VISION_CONTEXT, "visual.transformer.resblocks.1.VPT_shallow",
                "transformer.resblocks.1.VPT_shallow"), List.copyOf(init.keySet()));

        PromptConfig random = new PromptConfig(16, 16, 9, 9, "a photo of a"); // N_CTX_TEXT > 4: CTX_INIT unused
        assertEquals("X X X X X X X X X X X X X X X X", random.classPromptPrefix());
        Map<String, INDArray> drawn = PromptParameters.initial(table, TINY, random, 5);
        INDArray all = org.nd4j.linalg.factory.Nd4j.concat(0, drawn.values().stream().map(a -> a.reshape(-1)).toArray(INDArray[]::new));
        double std = all.castTo(DataType.DOUBLE).stdNumber().doubleValue();
        assertEquals(0.02, std, 0.002, "N(0, 0.02)");
        assertEquals(0.0, all.castTo(DataType.DOUBLE).meanNumber().doubleValue(), 0.002);
        assertEquals(drawn.get(PromptConfig.TEXT_CONTEXT), PromptParameters.initial(table, TINY, random, 5).get(PromptConfig.TEXT_CONTEXT),
                "same seed, same prompts");
        assertNotEquals(drawn.get(PromptConfig.TEXT_CONTEXT), PromptParameters.initial(table, TINY, random, 6).get(PromptConfig.TEXT_CONTEXT));
        // depth 9 on a 2-layer model: prompts in every layer, as ViFi-CLIP's prompts_needed > i
        assertEquals(4, drawn.size());
    }

    @Test
    void weightsHoldingPromptsOfTheDesignAreKeptOthersRefused() throws Exception {
        PromptConfig design = new PromptConfig(2, 0, 2, 0, null);
        StateDict base = RandomWeights.of(TINY, 3);
        StateDict fresh = PromptParameters.forTraining(base, TINY, design, 1);
        assertEquals(Map.of(PromptConfig.TEXT_CONTEXT, 1, "transformer.resblocks.1.VPT_shallow", 1),
                fresh.tensors().keySet().stream().filter(PromptConfig::isPromptKey)
                        .collect(java.util.stream.Collectors.toMap(k -> k, k -> 1)));
        assertSame(fresh, PromptParameters.forTraining(fresh, TINY, design, 2), "held prompts are trained on");
        assertSame(fresh, PromptParameters.forEvaluation(fresh, TINY, design));
        BadInputException none = assertThrows(BadInputException.class, () -> PromptParameters.forEvaluation(base, TINY, design));
        assertTrue(none.getMessage().contains("holds no prompt parameters"), none.getMessage());
        PromptConfig other = new PromptConfig(4, 0, 2, 0, null);
        BadInputException mismatch = assertThrows(BadInputException.class, () -> PromptParameters.forTraining(fresh, TINY, other, 1));
        assertTrue(mismatch.getMessage().contains("another design"), mismatch.getMessage());
        assertNull(PromptConfig.infer(base.shapes(), base.source()));
        assertEquals(design, PromptConfig.infer(fresh.shapes(), fresh.source()));
    }
}
