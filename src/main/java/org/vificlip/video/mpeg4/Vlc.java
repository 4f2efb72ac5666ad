package org.vificlip.video.mpeg4;

/**
 * A variable-length code decoded with one lookup table indexed by the next {@code maxLen} bits.
 * Each entry packs (symbol << 5) | length; length 0 marks a bit pattern that is no valid code.
 */
final class Vlc {
    private final int maxLen;
    private final int[] table;
    private final String name;

    /** codes[i] / lengths[i] is the code of symbol i; entries with length 0 are unused symbols. */
    Vlc(String name, int[] codes, int[] lengths) {
        this.name = name;
        int max = 0;
        for (int len : lengths) {
            max = Math.max(max, len);
        }
        this.maxLen = max;
        this.table = new int[1 << max];
        for (int sym = 0; sym < codes.length; sym++) {
            int len = lengths[sym];
            if (len == 0) {
                continue;
            }
            int first = codes[sym] << (max - len);
            int count = 1 << (max - len);
            for (int j = first; j < first + count; j++) {
                if (table[j] != 0) {
                    // Two codes sharing a prefix means a typo in a table: fail loudly at class load.
                    throw new IllegalStateException(name + ": code of symbol " + sym + " collides");
                }
                table[j] = (sym << 5) | len;
            }
        }
    }

    /** Builds from {code, length} pairs, symbol = pair index. */
    static Vlc of(String name, int[][] pairs) {
        int[] codes = new int[pairs.length];
        int[] lens = new int[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            codes[i] = pairs[i][0];
            lens[i] = pairs[i][1];
        }
        return new Vlc(name, codes, lens);
    }

    int decode(BitReader br) throws Mpeg4Exception {
        int e = table[br.peek(maxLen)];
        if (e == 0) {
            throw new Mpeg4Exception("invalid " + name + " code");
        }
        br.skip(e & 31);
        return e >>> 5;
    }
}
