package org.vificlip.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys ViFi-CLIP's {@code utils/config.py} declares, in its order, with their defaults and types.
 * Like yacs, a key's type is the type of its default; the one key whose default is {@code None}
 * (MODEL.PRETRAINED, MODEL.RESUME) holds a path or nothing.
 */
final class ConfigSchema {
    /** What a key holds. */
    enum Kind {
        SECTION("a mapping of keys"),
        INT("int"),
        /** An int that may exceed 32 bits (SEED: Python ints are unbounded, the seed is 64-bit). */
        LONG("int"),
        FLOAT("float"),
        BOOL("bool"),
        STR("str"),
        STR_OR_NONE("str or None"),
        STR_LIST("list of str");

        final String pythonName;

        Kind(String pythonName) {
            this.pythonName = pythonName;
        }
    }

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();
    private static final Map<String, Object> DEFAULTS = new LinkedHashMap<>();

    static {
        leaf("BASE", Kind.STR_LIST, List.of(""));

        section("DATA");
        leaf("DATA.ROOT", Kind.STR, "");
        leaf("DATA.TRAIN_FILE", Kind.STR, "");
        leaf("DATA.VAL_FILE", Kind.STR, "");
        leaf("DATA.DATASET", Kind.STR, "kinetics400");
        leaf("DATA.INPUT_SIZE", Kind.INT, 224);
        leaf("DATA.NUM_FRAMES", Kind.INT, 8);
        leaf("DATA.NUM_CLASSES", Kind.INT, 400);
        leaf("DATA.LABEL_LIST", Kind.STR, "labels/kinetics_400_labels.csv");

        section("MODEL");
        leaf("MODEL.ARCH", Kind.STR, "ViT-B/32");
        leaf("MODEL.DROP_PATH_RATE", Kind.FLOAT, 0.0);
        leaf("MODEL.PRETRAINED", Kind.STR_OR_NONE, null);
        leaf("MODEL.RESUME", Kind.STR_OR_NONE, null);
        leaf("MODEL.FIX_TEXT", Kind.BOOL, true);

        section("TRAINER");
        section("TRAINER.ViFi_CLIP");
        leaf("TRAINER.ViFi_CLIP.PROMPT_MODEL", Kind.BOOL, false);
        leaf("TRAINER.ViFi_CLIP.N_CTX_VISION", Kind.INT, 0);
        leaf("TRAINER.ViFi_CLIP.N_CTX_TEXT", Kind.INT, 0);
        leaf("TRAINER.ViFi_CLIP.CTX_INIT", Kind.STR, "a photo of a");
        leaf("TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION", Kind.INT, 0);
        leaf("TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", Kind.INT, 1);
        leaf("TRAINER.ViFi_CLIP.USE", Kind.STR, "both");
        leaf("TRAINER.ViFi_CLIP.ZS_EVAL", Kind.BOOL, false);

        section("TRAIN");
        leaf("TRAIN.EPOCHS", Kind.INT, 30);
        leaf("TRAIN.WARMUP_EPOCHS", Kind.INT, 5);
        leaf("TRAIN.WEIGHT_DECAY", Kind.FLOAT, 0.001);
        leaf("TRAIN.LR", Kind.FLOAT, 8.e-6);
        leaf("TRAIN.BATCH_SIZE", Kind.INT, 8);
        leaf("TRAIN.ACCUMULATION_STEPS", Kind.INT, 1);
        leaf("TRAIN.LR_SCHEDULER", Kind.STR, "cosine");
        leaf("TRAIN.OPTIMIZER", Kind.STR, "adamw");
        leaf("TRAIN.OPT_LEVEL", Kind.STR, "O1");
        leaf("TRAIN.AUTO_RESUME", Kind.BOOL, false);
        leaf("TRAIN.USE_CHECKPOINT", Kind.BOOL, false);

        section("AUG");
        leaf("AUG.LABEL_SMOOTH", Kind.FLOAT, 0.1);
        leaf("AUG.COLOR_JITTER", Kind.FLOAT, 0.8);
        leaf("AUG.GRAY_SCALE", Kind.FLOAT, 0.2);
        leaf("AUG.MIXUP", Kind.FLOAT, 0.8);
        leaf("AUG.CUTMIX", Kind.FLOAT, 1.0);
        leaf("AUG.MIXUP_SWITCH_PROB", Kind.FLOAT, 0.5);

        section("TEST");
        leaf("TEST.NUM_CLIP", Kind.INT, 1);
        leaf("TEST.NUM_CROP", Kind.INT, 1);
        leaf("TEST.ONLY_TEST", Kind.BOOL, false);
        leaf("TEST.MULTI_VIEW_INFERENCE", Kind.BOOL, false);

        leaf("OUTPUT", Kind.STR, "");
        leaf("SAVE_FREQ", Kind.INT, 1);
        leaf("PRINT_FREQ", Kind.INT, 50);
        leaf("SEED", Kind.LONG, 1024L);
    }

    private ConfigSchema() {
    }

    private static void section(String dotted) {
        KINDS.put(dotted, Kind.SECTION);
        parentOf(DEFAULTS, dotted).put(lastPart(dotted), new LinkedHashMap<String, Object>());
    }

    private static void leaf(String dotted, Kind kind, Object value) {
        KINDS.put(dotted, kind);
        parentOf(DEFAULTS, dotted).put(lastPart(dotted), value);
    }

    /** The kind of a dotted key, or null when utils/config.py has no such key. */
    static Kind kind(String dotted) {
        return KINDS.get(dotted);
    }

    /** The leaf keys (not sections), in declaration order. */
    static List<String> leafKeys() {
        List<String> keys = new ArrayList<>();
        KINDS.forEach((k, kind) -> {
            if (kind != Kind.SECTION) {
                keys.add(k);
            }
        });
        return Collections.unmodifiableList(keys);
    }

    /**
     * A key spelled like a declared one apart from letter case (e.g. TRAINER.VIFI_CLIP), to suggest when
     * a key is unknown; null if none.
     */
    static String caseInsensitiveMatch(String dotted) {
        for (String k : KINDS.keySet()) {
            if (k.equalsIgnoreCase(dotted)) {
                return k;
            }
        }
        return null;
    }

    /** A fresh, mutable copy of the defaults as nested maps. */
    static LinkedHashMap<String, Object> defaults() {
        return deepCopy(DEFAULTS);
    }

    @SuppressWarnings("unchecked")
    static LinkedHashMap<String, Object> deepCopy(Map<String, Object> tree) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        tree.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                copy.put(k, deepCopy((Map<String, Object>) m));
            } else if (v instanceof List<?> l) {
                copy.put(k, new ArrayList<>(l));
            } else {
                copy.put(k, v);
            }
        });
        return copy;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parentOf(Map<String, Object> tree, String dotted) {
        Map<String, Object> node = tree;
        int start = 0;
        for (int dot = dotted.indexOf('.'); dot >= 0; dot = dotted.indexOf('.', start)) {
            node = (Map<String, Object>) node.get(dotted.substring(start, dot));
            start = dot + 1;
        }
        return node;
    }

    static String lastPart(String dotted) {
        return dotted.substring(dotted.lastIndexOf('.') + 1);
    }

    static Object get(Map<String, Object> tree, String dotted) {
        return parentOf(tree, dotted).get(lastPart(dotted));
    }
}
