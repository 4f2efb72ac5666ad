package org.vificlip.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.vificlip.testing.ClipFixtures;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW against torch.optim.AdamW on a 3×4 parameter (expected/adamw_unit.json), and its bookkeeping. */
class AdamWUnitTest {
    static JsonObject unit;
    static double lr;
    static INDArray p0;
    static INDArray[] grads;
    static INDArray[] expected;

    @BeforeAll
    static void read() throws Exception {
        unit = JsonParser.parseString(Files.readString(ClipFixtures.file("expected/adamw_unit.json"))).getAsJsonObject();
        lr = unit.get("lr").getAsDouble();
        p0 = matrix(unit.getAsJsonArray("p0"));
        JsonArray g = unit.getAsJsonArray("grads");
        JsonArray p = unit.getAsJsonArray("p_after_each_step");
        assertEquals(5, g.size());
        assertEquals(5, p.size());
        grads = new INDArray[g.size()];
        expected = new INDArray[p.size()];
        for (int k = 0; k < g.size(); k++) {
            grads[k] = matrix(g.get(k).getAsJsonArray());
            expected[k] = matrix(p.get(k).getAsJsonArray());
        }
    }

    private static INDArray matrix(JsonArray rows) {
        float[][] m = new float[rows.size()][];
        for (int r = 0; r < m.length; r++) {
            JsonArray row = rows.get(r).getAsJsonArray();
            m[r] = new float[row.size()];
            for (int c = 0; c < m[r].length; c++) {
                m[r][c] = row.get(c).getAsFloat();
            }
        }
        return Nd4j.create(m);
    }

    private static AdamW fromFixture() {
        JsonArray betas = unit.getAsJsonArray("betas");
        return new AdamW(betas.get(0).getAsDouble(), betas.get(1).getAsDouble(), unit.get("eps").getAsDouble(),
                unit.get("weight_decay").getAsDouble());
    }

    @Test
    void fiveStepsAsTorch() {
        AdamW opt = fromFixture();
        INDArray p = p0.dup();
        Map<String, INDArray> params = Map.of("p", p);
        double worst = 0;
        for (int k = 0; k < grads.length; k++) {
            opt.step(params, Map.of("p", grads[k]), lr);
            double diff = p.castTo(DataType.DOUBLE).sub(expected[k].castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
            System.out.printf("adamw_unit step %d max|diff| %.3e%n", k + 1, diff);
            assertTrue(diff <= 1e-6, "step " + (k + 1) + ": max |diff| " + diff);
            worst = Math.max(worst, diff);
            assertEquals(k + 1, opt.states().get("p").step());
        }
        // the fixture moves the parameter by far more than the tolerance: the comparison can fail
        assertTrue(p0.sub(expected[4]).amaxNumber().doubleValue() > 100 * 1e-6);
    }

    @Test
    void sameInputsGiveBitIdenticalResults() {
        INDArray a = runSteps(fromFixture(), 0, 5, p0.dup());
        INDArray b = runSteps(fromFixture(), 0, 5, p0.dup());
        assertArrayEquals(a.data().asFloat(), b.data().asFloat());
    }

    @Test
    void resumeFromStatesContinuesExactly() {
        INDArray straight = runSteps(fromFixture(), 0, 5, p0.dup());

        AdamW first = fromFixture();
        INDArray p = runSteps(first, 0, 2, p0.dup());
        AdamW.State saved = first.states().get("p");
        assertEquals(2, saved.step());
        AdamW resumed = fromFixture();
        // a checkpoint round trip: copies of the arrays, not the live ones
        resumed.restore("p", new AdamW.State(saved.step(), saved.expAvg().dup(), saved.expAvgSq().dup()));
        runSteps(resumed, 2, 5, p);
        assertArrayEquals(straight.data().asFloat(), p.data().asFloat());
        assertEquals(5, resumed.states().get("p").step());
    }

    private static INDArray runSteps(AdamW opt, int from, int to, INDArray p) {
        for (int k = from; k < to; k++) {
            opt.step(Map.of("p", p), Map.of("p", grads[k]), lr);
        }
        return p;
    }

    /**
     * Keys of different sizes share the scratch buffer (it grows once, views of its start): stepping them
     * together must give exactly what separate optimisers give, and the states keep first-step order.
     */
    @Test
    void keysSharingTheScratchBufferDoNotInterfere() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("scalar", Nd4j.scalar(DataType.FLOAT, 0.7f));
        params.put("small", p0.dup());
        params.put("large", Nd4j.linspace(-1, 1, 600, DataType.FLOAT).reshape(20, 30));
        Map<String, INDArray> together = new LinkedHashMap<>();
        params.forEach((k, v) -> together.put(k, v.dup()));
        AdamW joint = AdamW.vifiClip(0.001);
        Map<String, AdamW> separate = new LinkedHashMap<>();
        params.keySet().forEach(k -> separate.put(k, AdamW.vifiClip(0.001)));

        for (int step = 0; step < 4; step++) {
            Map<String, INDArray> g = new LinkedHashMap<>();
            int s = step;
            params.forEach((k, v) -> g.put(k, Nd4j.linspace(-2 + s, 3 - s, v.length(), DataType.FLOAT)
                    .reshape(v.shape()).muli(0.37 * (s + 1))));
            joint.step(together, g, 1e-3);
            for (String k : params.keySet()) {
                separate.get(k).step(Map.of(k, params.get(k)), Map.of(k, g.get(k)), 1e-3);
            }
        }
        for (String k : params.keySet()) {
            assertArrayEquals(params.get(k).data().asFloat(), together.get(k).data().asFloat(), k);
            assertTrue(params.get(k).rank() == together.get(k).rank());
        }
        assertEquals(List.of("scalar", "small", "large"), List.copyOf(joint.states().keySet()));
        assertSame(joint.states().get("large").expAvg(), joint.states().get("large").expAvg(), "live arrays");
    }

    /**
     * β1 < 0.5 takes torch's other lerp form (end − (end − self)·(1 − w)); checked against Adam's textbook
     * formulas in double precision.
     */
    @Test
    void smallBeta1AgainstTheFormulas() {
        double b1 = 0.3, b2 = 0.9, eps = 1e-8, wd = 0.1, step = 0.05;
        AdamW opt = new AdamW(b1, b2, eps, wd);
        INDArray p = p0.dup();
        double[] x = p0.castTo(DataType.DOUBLE).data().asDouble();
        double[] m = new double[x.length];
        double[] v = new double[x.length];
        for (int k = 0; k < grads.length; k++) {
            opt.step(Map.of("p", p), Map.of("p", grads[k]), step);
            double[] g = grads[k].castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < x.length; i++) {
                x[i] *= 1 - step * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, k + 1));
                double vHat = v[i] / (1 - Math.pow(b2, k + 1));
                x[i] -= step * mHat / (Math.sqrt(vHat) + eps);
            }
            double[] got = p.castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], got[i], 2e-6, "step " + (k + 1) + " element " + i);
            }
        }
    }

    @Test
    void badInputsAreRejectedBeforeAnyUpdate() {
        AdamW opt = AdamW.vifiClip(0.001);
        INDArray p = p0.dup();
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("p", p);
        Map<String, INDArray> g = new LinkedHashMap<>();
        g.put("p", grads[0]);
        g.put("missing", grads[0]);
        assertThrows(IllegalArgumentException.class, () -> opt.step(params, g, 1e-3));
        assertArrayEquals(p0.data().asFloat(), p.data().asFloat(), "nothing updated");
        assertThrows(IllegalArgumentException.class,
                () -> opt.step(params, Map.of("p", grads[0].reshape(4, 3)), 1e-3));
        assertThrows(IllegalArgumentException.class,
                () -> opt.step(params, Map.of("p", grads[0].castTo(DataType.DOUBLE)), 1e-3));
        assertEquals(0.9, AdamW.vifiClip(0.001).beta1());
        assertEquals(0.98, AdamW.vifiClip(0.001).beta2());
        assertEquals(1e-8, AdamW.vifiClip(0.001).eps());
        assertEquals(0.001, AdamW.vifiClip(0.001).weightDecay());
    }
}
