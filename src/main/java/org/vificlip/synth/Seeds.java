package org.vificlip.synth;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Seeds derived from (dataset seed, class, video, ...) by hashing, so every video's content depends on
 * its own coordinates only: not on how many classes or videos were asked for, nor on the order of
 * generation. The generator is commons-rng's XoRoShiRo128++, whose output for a given seed is fixed by
 * the algorithm (unlike {@code java.util.Random} subclasses, which promise nothing across versions).
 */
final class Seeds {
    private Seeds() {
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix with good avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed for one item at the given coordinates below a parent seed. */
    static long derive(long parent, long... coordinates) {
        long h = mix64(parent + 0x9e3779b97f4a7c15L);
        for (long c : coordinates) {
            h = mix64(h ^ mix64(c + 0x632be59bd9b4e019L));
        }
        return h;
    }

    static UniformRandomProvider random(long seed) {
        return RandomSource.XO_RO_SHI_RO_128_PP.create(new long[]{mix64(seed), mix64(~seed)});
    }
}
