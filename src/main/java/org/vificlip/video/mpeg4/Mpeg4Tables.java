package org.vificlip.video.mpeg4;

/**
 * The code tables of ISO/IEC 14496-2 Annex B and the fixed scans and matrices of clause 7.
 * Every VLC is built (and checked to be prefix-free) once when this class loads.
 */
final class Mpeg4Tables {
    private Mpeg4Tables() {
    }

    /** Table B-6: mcbpc for I-VOPs. Symbol = mb_type(0 intra, 1 intra+q) * 4 + cbpc; 8 = stuffing. */
    static final Vlc MCBPC_INTRA = Vlc.of("mcbpc (intra)", new int[][] {
        {1, 1}, {1, 3}, {2, 3}, {3, 3},
        {1, 4}, {1, 6}, {2, 6}, {3, 6},
        {1, 9},
    });
    static final int MCBPC_INTRA_STUFFING = 8;

    /**
     * Table B-7: mcbpc for P-VOPs. Symbol = mb_type * 4 + cbpc with mb_type 0 inter, 1 intra, 2 inter+q,
     * 3 intra+q, 4 inter4v; 20 = stuffing.
     */
    static final Vlc MCBPC_INTER = Vlc.of("mcbpc (inter)", new int[][] {
        {1, 1}, {3, 4}, {2, 4}, {5, 6},
        {3, 5}, {4, 8}, {3, 8}, {3, 7},
        {3, 3}, {7, 7}, {6, 7}, {5, 9},
        {4, 6}, {4, 9}, {3, 9}, {2, 9},
        {2, 3}, {5, 7}, {4, 7}, {5, 8},
        {1, 9},
    });
    static final int MCBPC_INTER_STUFFING = 20;

    /** Table B-8: cbpy, symbol = the intra meaning (inter macroblocks invert it). */
    static final Vlc CBPY = Vlc.of("cbpy", new int[][] {
        {3, 4}, {5, 5}, {4, 5}, {9, 4}, {3, 5}, {7, 4}, {2, 6}, {11, 4},
        {2, 5}, {3, 6}, {5, 4}, {10, 4}, {4, 4}, {8, 4}, {6, 4}, {3, 2},
    });

    /** Table B-12: motion_code magnitude 0..32 (a sign bit follows non-zero codes). */
    static final Vlc MVD = Vlc.of("motion vector", new int[][] {
        {1, 1}, {1, 2}, {1, 3}, {1, 4}, {3, 6}, {5, 7}, {4, 7}, {3, 7},
        {11, 9}, {10, 9}, {9, 9}, {17, 10}, {16, 10}, {15, 10}, {14, 10}, {13, 10},
        {12, 10}, {11, 10}, {10, 10}, {9, 10}, {8, 10}, {7, 10}, {6, 10}, {5, 10},
        {4, 10}, {7, 11}, {6, 11}, {5, 11}, {4, 11}, {3, 11}, {2, 11}, {3, 12},
        {2, 12},
    });

    /** Table B-13: dct_dc_size_luminance. */
    static final Vlc DC_SIZE_LUMA = Vlc.of("dct_dc_size_luminance", new int[][] {
        {3, 3}, {3, 2}, {2, 2}, {2, 3}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7},
        {1, 8}, {1, 9}, {1, 10}, {1, 11},
    });

    /** Table B-14: dct_dc_size_chrominance. */
    static final Vlc DC_SIZE_CHROMA = Vlc.of("dct_dc_size_chrominance", new int[][] {
        {3, 2}, {2, 2}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}, {1, 8},
        {1, 9}, {1, 10}, {1, 11}, {1, 12},
    });

    /** Table B-4 (mb_type in B-VOPs): 0 direct, 1 interpolate, 2 backward, 3 forward. */
    static final Vlc MB_TYPE_B = Vlc.of("B mb_type", new int[][] {{1, 1}, {1, 2}, {1, 3}, {1, 4}});

    static final int B_DIRECT = 0;
    static final int B_INTERPOLATE = 1;
    static final int B_BACKWARD = 2;
    static final int B_FORWARD = 3;

    /** Table B-16: intra TCOEF codes; entries 0..66 have last=0, 67..101 last=1, 102 is ESCAPE. */
    private static final int[][] INTRA_CODES = {
        {0x2, 2}, {0x6, 3}, {0xf, 4}, {0xd, 5}, {0xc, 5}, {0x15, 6}, {0x13, 6}, {0x12, 6},
        {0x17, 7}, {0x1f, 8}, {0x1e, 8}, {0x1d, 8}, {0x25, 9}, {0x24, 9}, {0x23, 9}, {0x21, 9},
        {0x21, 10}, {0x20, 10}, {0xf, 10}, {0xe, 10}, {0x7, 11}, {0x6, 11}, {0x20, 11}, {0x21, 11},
        {0x50, 12}, {0x51, 12}, {0x52, 12}, {0xe, 4}, {0x14, 6}, {0x16, 7}, {0x1c, 8}, {0x20, 9},
        {0x1f, 9}, {0xd, 10}, {0x22, 11}, {0x53, 12}, {0x55, 12}, {0xb, 5}, {0x15, 7}, {0x1e, 9},
        {0xc, 10}, {0x56, 12}, {0x11, 6}, {0x1b, 8}, {0x1d, 9}, {0xb, 10}, {0x10, 6}, {0x22, 9},
        {0xa, 10}, {0xd, 6}, {0x1c, 9}, {0x8, 10}, {0x12, 7}, {0x1b, 9}, {0x54, 12}, {0x14, 7},
        {0x1a, 9}, {0x57, 12}, {0x19, 8}, {0x9, 10}, {0x18, 8}, {0x23, 11}, {0x17, 8}, {0x19, 9},
        {0x18, 9}, {0x7, 10}, {0x58, 12}, {0x7, 4}, {0xc, 6}, {0x16, 8}, {0x17, 9}, {0x6, 10},
        {0x5, 11}, {0x4, 11}, {0x59, 12}, {0xf, 6}, {0x16, 9}, {0x5, 10}, {0xe, 6}, {0x4, 10},
        {0x11, 7}, {0x24, 11}, {0x10, 7}, {0x25, 11}, {0x13, 7}, {0x5a, 12}, {0x15, 8}, {0x5b, 12},
        {0x14, 8}, {0x13, 8}, {0x1a, 8}, {0x15, 9}, {0x14, 9}, {0x13, 9}, {0x12, 9}, {0x11, 9},
        {0x26, 11}, {0x27, 11}, {0x5c, 12}, {0x5d, 12}, {0x5e, 12}, {0x5f, 12}, {0x3, 7},
    };
    private static final int[] INTRA_RUN = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4,
        4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 9, 9, 10, 11, 12, 13, 14, 0, 0, 0, 0, 0,
        0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13, 14,
        15, 16, 17, 18, 19, 20,
    };
    private static final int[] INTRA_LEVEL = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 1, 2, 3, 4, 1, 2,
        3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5,
        6, 7, 8, 1, 2, 3, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1,
    };

    /** Table B-17: inter TCOEF codes; entries 0..57 have last=0, 58..101 last=1, 102 is ESCAPE. */
    private static final int[][] INTER_CODES = {
        {0x2, 2}, {0xf, 4}, {0x15, 6}, {0x17, 7}, {0x1f, 8}, {0x25, 9}, {0x24, 9}, {0x21, 10},
        {0x20, 10}, {0x7, 11}, {0x6, 11}, {0x20, 11}, {0x6, 3}, {0x14, 6}, {0x1e, 8}, {0xf, 10},
        {0x21, 11}, {0x50, 12}, {0xe, 4}, {0x1d, 8}, {0xe, 10}, {0x51, 12}, {0xd, 5}, {0x23, 9},
        {0xd, 10}, {0xc, 5}, {0x22, 9}, {0x52, 12}, {0xb, 5}, {0xc, 10}, {0x53, 12}, {0x13, 6},
        {0xb, 10}, {0x54, 12}, {0x12, 6}, {0xa, 10}, {0x11, 6}, {0x9, 10}, {0x10, 6}, {0x8, 10},
        {0x16, 7}, {0x55, 12}, {0x15, 7}, {0x14, 7}, {0x1c, 8}, {0x1b, 8}, {0x21, 9}, {0x20, 9},
        {0x1f, 9}, {0x1e, 9}, {0x1d, 9}, {0x1c, 9}, {0x1b, 9}, {0x1a, 9}, {0x22, 11}, {0x23, 11},
        {0x56, 12}, {0x57, 12}, {0x7, 4}, {0x19, 9}, {0x5, 11}, {0xf, 6}, {0x4, 11}, {0xe, 6},
        {0xd, 6}, {0xc, 6}, {0x13, 7}, {0x12, 7}, {0x11, 7}, {0x10, 7}, {0x1a, 8}, {0x19, 8},
        {0x18, 8}, {0x17, 8}, {0x16, 8}, {0x15, 8}, {0x14, 8}, {0x13, 8}, {0x18, 9}, {0x17, 9},
        {0x16, 9}, {0x15, 9}, {0x14, 9}, {0x13, 9}, {0x12, 9}, {0x11, 9}, {0x7, 10}, {0x6, 10},
        {0x5, 10}, {0x4, 10}, {0x24, 11}, {0x25, 11}, {0x26, 11}, {0x27, 11}, {0x58, 12}, {0x59, 12},
        {0x5a, 12}, {0x5b, 12}, {0x5c, 12}, {0x5d, 12}, {0x5e, 12}, {0x5f, 12}, {0x3, 7},
    };
    private static final int[] INTER_RUN = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3,
        3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
        35, 36, 37, 38, 39, 40,
    };
    private static final int[] INTER_LEVEL = {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 1, 2,
        3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        1, 1, 1, 1, 1, 1,
    };

    static final RunLevelTable INTRA_TCOEF = new RunLevelTable("intra TCOEF", INTRA_CODES, INTRA_RUN, INTRA_LEVEL, 67);
    static final RunLevelTable INTER_TCOEF = new RunLevelTable("inter TCOEF", INTER_CODES, INTER_RUN, INTER_LEVEL, 58);

    /** A TCOEF table: the VLC plus (last, run, level) of each symbol and the LMAX/RMAX of the escape modes. */
    static final class RunLevelTable {
        final Vlc vlc;
        final int escape;
        final int[] last;
        final int[] run;
        final int[] level;
        /** maxLevel[last][run] (LMAX, Tables B-19/B-20) and maxRun[last][level] (RMAX, Tables B-21/B-22). */
        final int[][] maxLevel = new int[2][64];
        final int[][] maxRun = new int[2][64];

        RunLevelTable(String name, int[][] codes, int[] run, int[] level, int firstLast) {
            this.vlc = Vlc.of(name, codes);
            this.escape = codes.length - 1;
            this.run = run;
            this.level = level;
            this.last = new int[run.length];
            for (int i = 0; i < run.length; i++) {
                int l = i >= firstLast ? 1 : 0;
                last[i] = l;
                maxLevel[l][run[i]] = Math.max(maxLevel[l][run[i]], level[i]);
                maxRun[l][level[i]] = Math.max(maxRun[l][level[i]], run[i]);
            }
        }
    }

    static final int[] ZIGZAG = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    };
    static final int[] ALTERNATE_HORIZONTAL = {
        0, 1, 2, 3, 8, 9, 16, 17, 10, 11, 4, 5, 6, 7, 15, 14,
        13, 12, 19, 18, 24, 25, 32, 33, 26, 27, 20, 21, 22, 23, 28, 29,
        30, 31, 34, 35, 40, 41, 48, 49, 42, 43, 36, 37, 38, 39, 44, 45,
        46, 47, 50, 51, 56, 57, 58, 59, 52, 53, 54, 55, 60, 61, 62, 63,
    };
    static final int[] ALTERNATE_VERTICAL = {
        0, 8, 16, 24, 1, 9, 2, 10, 17, 25, 32, 40, 48, 56, 57, 49,
        41, 33, 26, 18, 3, 11, 4, 12, 19, 27, 34, 42, 50, 58, 35, 43,
        51, 59, 20, 28, 5, 13, 6, 14, 21, 29, 36, 44, 52, 60, 37, 45,
        53, 61, 22, 30, 7, 15, 23, 31, 38, 46, 54, 62, 39, 47, 55, 63,
    };

    /** Default intra and non-intra matrices of the MPEG quantisation method (clause 6.3.3), natural order. */
    static final int[] DEFAULT_INTRA_MATRIX = {
        8, 17, 18, 19, 21, 23, 25, 27,
        17, 18, 19, 21, 23, 25, 27, 28,
        20, 21, 22, 23, 24, 26, 28, 30,
        21, 22, 23, 24, 26, 28, 30, 32,
        22, 23, 24, 26, 28, 30, 32, 35,
        23, 24, 26, 28, 30, 32, 35, 38,
        25, 26, 28, 30, 32, 35, 38, 41,
        27, 28, 30, 32, 35, 38, 41, 45,
    };
    static final int[] DEFAULT_NON_INTRA_MATRIX = {
        16, 17, 18, 19, 20, 21, 22, 23,
        17, 18, 19, 20, 21, 22, 23, 24,
        18, 19, 20, 21, 22, 23, 24, 25,
        19, 20, 21, 22, 23, 24, 26, 27,
        20, 21, 22, 23, 25, 26, 27, 28,
        21, 22, 23, 24, 26, 27, 28, 30,
        22, 23, 24, 26, 27, 28, 30, 31,
        23, 24, 25, 27, 28, 30, 31, 33,
    };

    /** intra_dc_vlc_thr: DC is coded with its own VLC while the quantiser is below this value. */
    static final int[] INTRA_DC_THRESHOLD = {99, 13, 15, 17, 19, 21, 23, 0};

    /** Table 7-? (4MV chroma): sixteenth-sample position of the summed luma vectors to half-sample chroma. */
    static final int[] CHROMA_ROUND_16 = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2};

    static int lumaDcScale(int q) {
        if (q <= 4) {
            return 8;
        }
        if (q <= 8) {
            return 2 * q;
        }
        if (q <= 24) {
            return q + 8;
        }
        return 2 * q - 16;
    }

    static int chromaDcScale(int q) {
        if (q <= 4) {
            return 8;
        }
        if (q <= 24) {
            return (q + 13) / 2;
        }
        return q - 6;
    }
}
