package org.vificlip.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.vificlip.BadInputException;

/**
 * Values yacs accepts by type but that would break training or evaluation later (a zero batch size
 * divides by zero an epoch in, a 5-crop test is not built, ...). Checked once the merge is complete,
 * each reported against the file (or --opts) that set the value.
 */
final class ConfigChecks {
    private final ConfigLoader config;
    private final Path source;

    private ConfigChecks(ConfigLoader config, Path source) {
        this.config = config;
        this.source = source;
    }

    /** @param source the file given to load: where default values are reported (they always pass) */
    static void check(ConfigLoader config, Path source) throws BadInputException {
        new ConfigChecks(config, source).run();
    }

    private void run() throws BadInputException {
        oneOf("TRAINER.ViFi_CLIP.USE", Set.of("both", "image", "text"),
                "'both' fine-tunes both encoders, 'image' or 'text' only that one");
        atLeast("TRAINER.ViFi_CLIP.N_CTX_VISION", 0);
        atLeast("TRAINER.ViFi_CLIP.N_CTX_TEXT", 0);
        // CLIP ViT-B has 12 transformer layers: prompts go into the first PROMPT_DEPTH of them
        between("TRAINER.ViFi_CLIP.PROMPT_DEPTH_VISION", 0, 12);
        between("TRAINER.ViFi_CLIP.PROMPT_DEPTH_TEXT", 0, 12);

        atLeast("DATA.INPUT_SIZE", 1);
        atLeast("DATA.NUM_FRAMES", 1);
        atLeast("DATA.NUM_CLASSES", 1);

        finite("MODEL.DROP_PATH_RATE");
        between("MODEL.DROP_PATH_RATE", 0.0, 1.0);

        atLeast("TRAIN.EPOCHS", 1);
        atLeast("TRAIN.WARMUP_EPOCHS", 0);
        finite("TRAIN.WEIGHT_DECAY");
        atLeast("TRAIN.WEIGHT_DECAY", 0.0);
        finite("TRAIN.LR");
        if (dbl("TRAIN.LR") <= 0) {
            throw fail("TRAIN.LR", "must be > 0");
        }
        atLeast("TRAIN.BATCH_SIZE", 1);
        atLeast("TRAIN.ACCUMULATION_STEPS", 1);
        oneOf("TRAIN.LR_SCHEDULER", Set.of("cosine"), "ViFi-CLIP's build_scheduler only builds 'cosine'");
        oneOf("TRAIN.OPTIMIZER", Set.of("adamw"), "ViFi-CLIP's build_optimizer only builds 'adamw'");

        // probabilities of an augmentation being applied, and the label-smoothing weight
        for (String k : new String[] {"AUG.LABEL_SMOOTH", "AUG.COLOR_JITTER", "AUG.GRAY_SCALE", "AUG.MIXUP_SWITCH_PROB"}) {
            finite(k);
            between(k, 0.0, 1.0);
        }
        // MIXUP and CUTMIX are the alphas of Beta(alpha, alpha), not probabilities: 0 turns them off
        for (String k : new String[] {"AUG.MIXUP", "AUG.CUTMIX"}) {
            finite(k);
            atLeast(k, 0.0);
        }

        atLeast("TEST.NUM_CLIP", 1);
        int crops = integer("TEST.NUM_CROP");
        if (crops != 1 && crops != 3) {
            throw fail("TEST.NUM_CROP", "must be 1 (centre crop) or 3 (three crops along the long side)");
        }

        atLeast("SAVE_FREQ", 1);
        atLeast("PRINT_FREQ", 1);
    }

    private Object get(String key) {
        return ConfigSchema.get(config.values, key);
    }

    private int integer(String key) {
        return (Integer) get(key);
    }

    private double dbl(String key) {
        return (Double) get(key);
    }

    private BadInputException fail(String key, String problem) {
        return config.originOf(key, source).badValue(key, get(key), problem);
    }

    private void atLeast(String key, int min) throws BadInputException {
        if (integer(key) < min) {
            throw fail(key, "must be >= " + min);
        }
    }

    private void between(String key, int min, int max) throws BadInputException {
        int v = integer(key);
        if (v < min || v > max) {
            throw fail(key, "must be in " + min + ".." + max);
        }
    }

    private void atLeast(String key, double min) throws BadInputException {
        if (dbl(key) < min) {
            throw fail(key, "must be >= " + PythonLiteral.reprFloat(min));
        }
    }

    private void between(String key, double min, double max) throws BadInputException {
        double v = dbl(key);
        if (v < min || v > max) {
            throw fail(key, "must be in [" + PythonLiteral.reprFloat(min) + ", " + PythonLiteral.reprFloat(max) + "]");
        }
    }

    private void finite(String key) throws BadInputException {
        if (!Double.isFinite(dbl(key))) {
            throw fail(key, "must be a finite number");
        }
    }

    private void oneOf(String key, Set<String> allowed, String why) throws BadInputException {
        if (!allowed.contains((String) get(key))) {
            List<String> names = allowed.stream().sorted().map(PythonLiteral::repr).toList();
            throw fail(key, (names.size() == 1 ? "must be " : "must be one of ") + String.join(", ", names)
                    + " (" + why + ")");
        }
    }
}
