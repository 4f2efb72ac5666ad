package org.vificlip.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.testing.ClipFixtures;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vificlip.testing.FixtureTolerance.assertClose;

/**
 * TRAINER.ViFi_CLIP.USE image / text: the frozen tower's weights become graph constants, and the trained
 * tower's gradients are still PyTorch's (freezing the other tower does not change them).
 */
class TrainOnlyTowerTest {

    /** Both towers alone, with activation recomputation off and on. */
    @ParameterizedTest(name = "{0}, recompute activations: {1}")
    @CsvSource({"IMAGE, false", "TEXT, false", "IMAGE, true", "TEXT, true"})
    void oneTowerOnly(ClipModel.Tower tower, boolean recompute) throws Exception {
        ClipModel model = ClipModel.build(ClipFixtures.baseWeights());
        model.recomputeActivations(recompute);
        List<String> all = model.trainableParameters();
        model.trainOnly(tower);
        Set<String> trained = new TreeSet<>(model.trainableParameters());
        assertFalse(trained.isEmpty());
        for (String key : all) {
            boolean image = key.startsWith("visual.");
            boolean expected = tower == ClipModel.Tower.IMAGE ? image : !image && !key.equals("logit_scale");
            assertEquals(expected, trained.contains(key), key);
        }
        ClipModel.Gradients g = model.gradients(ClipFixtures.npy("inputs/video.npy"), ClipFixtures.textTokens(),
                ClipFixtures.npy("inputs/labels.npy").toIntVector());
        assertEquals(trained, new TreeSet<>(g.byParameter().keySet()), "gradients exactly for the trained tower");
        for (String key : trained) {
            INDArray expected = ClipFixtures.npy("expected/grads/" + key + ".npy");
            assertClose("grad " + key, expected, g.byParameter().get(key));
        }
        assertTrue(model.sameDiff().getVariable(all.get(0)) != null);
        assertThrows(IllegalStateException.class, () -> model.trainOnly(ClipModel.Tower.BOTH),
                "freezing after the backward graph exists is refused");
    }
}
