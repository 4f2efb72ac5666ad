package org.vificlip.synth;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthCatalogTest {
    private static final List<SynthClass> ALL = SynthCatalog.all();

    @Test
    void namesAndSlugsAreUniqueAndPlain() {
        Set<String> names = new HashSet<>();
        Set<String> slugs = new HashSet<>();
        for (SynthClass c : ALL) {
            assertTrue(names.add(c.name()), "duplicate name " + c.name());
            assertTrue(slugs.add(c.slug()), "duplicate slug " + c.slug());
            assertTrue(c.name().matches("[a-z]+( [a-z]+)+"), c.name());
            assertTrue(c.slug().matches("[a-z_]+"), c.slug());
        }
        assertEquals("red ball bouncing", ALL.get(0).name());
        assertEquals("red_ball_bouncing", ALL.get(0).slug());
    }

    /** Every pair must be told apart by a frame-averaging model: see Motion and SynthCatalog. */
    @Test
    void everyPairCanBeToldApart() {
        for (SynthClass c : ALL) {
            assertFalse(c.shape().symmetry() == 0 && c.motion() == Motion.SPINNING, c.name() + ": spinning cannot be seen");
        }
        for (int i = 0; i < ALL.size(); i++) {
            for (int j = i + 1; j < ALL.size(); j++) {
                SynthClass a = ALL.get(i);
                SynthClass b = ALL.get(j);
                if (a.colour() == b.colour() && a.shape() == b.shape()) {
                    assertNotEquals(a.motion(), b.motion(), a.name());
                    assertNotEquals(a.motion().reversed(), b.motion(),
                            a.name() + " / " + b.name() + ": time reversals look alike to frame averaging");
                }
            }
        }
    }

    @Test
    void theDefaultTenMixEasyPairsWithMotionOnlyPairs() {
        List<SynthClass> ten = SynthCatalog.first(10);
        int motionOnly = 0;
        for (int i = 0; i < ten.size(); i++) {
            for (int j = i + 1; j < ten.size(); j++) {
                SynthClass a = ten.get(i);
                SynthClass b = ten.get(j);
                if (a.colour() == b.colour() && a.shape() == b.shape()) {
                    motionOnly++;
                }
            }
        }
        assertTrue(motionOnly >= 2, "pairs differing only by motion: " + motionOnly);
        // The first classes (what tiny datasets use) all differ in colour and shape.
        List<SynthClass> five = SynthCatalog.first(5);
        for (int i = 0; i < five.size(); i++) {
            for (int j = i + 1; j < five.size(); j++) {
                assertTrue(five.get(i).colour() != five.get(j).colour() || five.get(i).shape() != five.get(j).shape());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SynthCatalog.first(ALL.size() + 1));
    }
}
