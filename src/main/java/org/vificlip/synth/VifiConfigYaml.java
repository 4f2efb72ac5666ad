package org.vificlip.synth;

import java.nio.file.Path;

/**
 * ViFi-CLIP configs for the synthetic dataset, with the keys of ViFi-CLIP's {@code utils/config.py}, written
 * as text so they can carry comments. Floats always have a dot: PyYAML (YAML 1.1) reads {@code 1e-4} as a
 * string and yacs then refuses it, so the learning rate is written {@code 1.e-04}.
 */
final class VifiConfigYaml {
    private VifiConfigYaml() {
    }

    /** The files one config points at, and its name for the header comment. */
    record Variant(String title, String trainFile, String valFile, String labelFile, int numClasses,
                   String outputFolder, String note) {
    }

    static String render(SynthOptions options, Variant variant) {
        Path root = options.out().toAbsolutePath().normalize();
        StringBuilder y = new StringBuilder();
        y.append("# ViFi-CLIP config (").append(variant.title()).append(") for the synthetic dataset written by\n");
        y.append("# `vificlip synth`; keys as in ViFi-CLIP's utils/config.py.\n");
        if (variant.note() != null) {
            y.append("# ").append(variant.note()).append('\n');
        }
        y.append("DATA:\n");
        y.append("    ROOT: ").append(quote(root.toString())).append('\n');
        y.append("    TRAIN_FILE: ").append(quote(root.resolve(variant.trainFile()).toString())).append('\n');
        y.append("    VAL_FILE: ").append(quote(root.resolve(variant.valFile()).toString())).append('\n');
        y.append("    DATASET: synth\n");
        y.append("    INPUT_SIZE: ").append(options.inputSize()).append('\n');
        y.append("    NUM_FRAMES: ").append(options.numFrames()).append('\n');
        y.append("    NUM_CLASSES: ").append(variant.numClasses()).append('\n');
        y.append("    LABEL_LIST: ").append(quote(root.resolve(variant.labelFile()).toString())).append('\n');
        y.append("MODEL:\n");
        y.append("    ARCH: ViT-B/16\n");
        y.append("TRAIN:\n");
        y.append("    EPOCHS: 10\n");
        y.append("    WARMUP_EPOCHS: 1\n");
        y.append("    LR: 1.e-04\n");
        y.append("    BATCH_SIZE: 8\n");
        y.append("    ACCUMULATION_STEPS: 1\n");
        y.append("AUG:\n");
        y.append("    MIXUP: 0.0  # no mixup/cutmix: blending slows learning on a tiny dataset\n");
        y.append("    LABEL_SMOOTH: 0.1\n");
        y.append("TEST:\n");
        y.append("    NUM_CLIP: 1\n");
        y.append("    NUM_CROP: 1\n");
        y.append("TRAINER:\n");
        y.append("  ViFi_CLIP:\n");
        y.append("    USE: \"both\"  # fine-tune both encoders\n");
        y.append("    ZS_EVAL: False\n");
        y.append("SAVE_FREQ: 1\n");
        y.append("PRINT_FREQ: 10\n");
        y.append("SEED: ").append(options.seed()).append('\n');
        y.append("OUTPUT: ").append(quote(root.resolve(variant.outputFolder()).toString())).append('\n');
        return y.toString();
    }

    /** A YAML single-quoted scalar: nothing is special inside but the quote, which is doubled. */
    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
