package org.vificlip.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vificlip.BadInputException;

/**
 * A ViFi-CLIP training/evaluation configuration, read from the authors' YAML files unchanged: the
 * defaults of ViFi-CLIP's {@code utils/config.py}, then the BASE files a YAML lists (recursively,
 * relative to the listing file), then the file, then {@code --opts KEY VALUE ...}, each step as yacs
 * merges it (declared keys only, strings literal_eval'd, types checked against the defaults).
 * Values that would break training later (a zero batch size, an unknown optimizer, ...) are refused
 * here, naming the key and the file that set it. Immutable; paths stay the raw strings of the file.
 */
public final class ViFiClipConfig {
    public record Data(String root, String trainFile, String valFile, String dataset, int inputSize, int numFrames,
                       int numClasses, String labelList) {}

    public record Model(String arch, double dropPathRate, String pretrained, String resume, boolean fixText) {}

    public record ViFiClip(boolean promptModel, int nCtxVision, int nCtxText, String ctxInit, int promptDepthVision,
                           int promptDepthText, String use, boolean zsEval) {}

    public record Train(int epochs, int warmupEpochs, double weightDecay, double lr, int batchSize,
                        int accumulationSteps, String lrScheduler, String optimizer, String optLevel,
                        boolean autoResume, boolean useCheckpoint) {}

    public record Aug(double labelSmooth, double colorJitter, double grayScale, double mixup, double cutmix,
                      double mixupSwitchProb) {}

    public record Test(int numClip, int numCrop, boolean onlyTest, boolean multiViewInference) {}

    private final Path source;
    private final LinkedHashMap<String, Object> values;
    private final Map<String, ConfigLoader.Origin> origins;

    private final Data data;
    private final Model model;
    private final ViFiClip trainer;
    private final Train train;
    private final Aug aug;
    private final Test test;

    private ViFiClipConfig(Path source, ConfigLoader loaded) {
        this.source = source;
        this.values = ConfigSchema.deepCopy(loaded.values);
        this.origins = Map.copyOf(loaded.origins);
        this.data = new Data(str("DATA.ROOT"), str("DATA.TRAIN_FILE"), str("DATA.VAL_FILE"), str("DATA.DATASET"),
                integer("DATA.INPUT_SIZE"), integer("DATA.NUM_FRAMES"), integer("DATA.NUM_CLASSES"),
                str("DATA.LABEL_LIST"));
        this.model = new Model(str("MODEL.ARCH"), dbl("MODEL.DROP_PATH_RATE"), str("MODEL.PRETRAINED"),
                str("MODEL.RESUME"), bool("MODEL.FIX_TEXT"));
        String v = "TRAINER.ViFi_CLIP.";
        this.trainer = new ViFiClip(bool(v + "PROMPT_MODEL"), integer(v + "N_CTX_VISION"), integer(v + "N_CTX_TEXT"),
                str(v + "CTX_INIT"), integer(v + "PROMPT_DEPTH_VISION"), integer(v + "PROMPT_DEPTH_TEXT"),
                str(v + "USE"), bool(v + "ZS_EVAL"));
        this.train = new Train(integer("TRAIN.EPOCHS"), integer("TRAIN.WARMUP_EPOCHS"), dbl("TRAIN.WEIGHT_DECAY"),
                dbl("TRAIN.LR"), integer("TRAIN.BATCH_SIZE"), integer("TRAIN.ACCUMULATION_STEPS"),
                str("TRAIN.LR_SCHEDULER"), str("TRAIN.OPTIMIZER"), str("TRAIN.OPT_LEVEL"),
                bool("TRAIN.AUTO_RESUME"), bool("TRAIN.USE_CHECKPOINT"));
        this.aug = new Aug(dbl("AUG.LABEL_SMOOTH"), dbl("AUG.COLOR_JITTER"), dbl("AUG.GRAY_SCALE"),
                dbl("AUG.MIXUP"), dbl("AUG.CUTMIX"), dbl("AUG.MIXUP_SWITCH_PROB"));
        this.test = new Test(integer("TEST.NUM_CLIP"), integer("TEST.NUM_CROP"), bool("TEST.ONLY_TEST"),
                bool("TEST.MULTI_VIEW_INFERENCE"));
    }

    /**
     * Reads {@code yaml} (with its BASE files) over the defaults, then applies {@code opts}.
     *
     * @param opts a flat KEY VALUE list as ViFi-CLIP's {@code --opts} takes it; may be empty
     * @throws BadInputException naming the file (or "--opts") and the key: a missing or malformed file,
     *         an unknown key, a value of the wrong type or out of range, an include cycle
     */
    public static ViFiClipConfig load(Path yaml, List<String> opts) throws BadInputException {
        Objects.requireNonNull(yaml, "yaml");
        ConfigLoader loader = new ConfigLoader();
        loader.mergeFile(yaml, null);
        loader.mergeOpts(opts == null ? List.of() : opts);
        ConfigChecks.check(loader, yaml);
        return new ViFiClipConfig(yaml, loader);
    }

    /**
     * A copy with one key set, checked as {@code --opts} checks it (known key, the default's type, the
     * ranges) but taking the value as a Java value, not Python text: {@code with("TEST.NUM_CLIP", 4)}.
     * A float key also takes an int or a number string such as "1e-4".
     *
     * @throws BadInputException naming {@link #source()} and the key
     */
    public ViFiClipConfig with(String dottedKey, Object value) throws BadInputException {
        Objects.requireNonNull(dottedKey, "dottedKey");
        ConfigLoader copy = new ConfigLoader(values, origins);
        copy.set(dottedKey, value, new ConfigLoader.Origin(source, " (a value set over this config by the program)"));
        ConfigChecks.check(copy, source);
        return new ViFiClipConfig(source, copy);
    }

    public Data data() {
        return data;
    }

    public Model model() {
        return model;
    }

    public ViFiClip trainer() {
        return trainer;
    }

    public Train train() {
        return train;
    }

    public Aug aug() {
        return aug;
    }

    public Test test() {
        return test;
    }

    public String output() {
        return str("OUTPUT");
    }

    public int saveFreq() {
        return integer("SAVE_FREQ");
    }

    public int printFreq() {
        return integer("PRINT_FREQ");
    }

    public long seed() {
        return (Long) ConfigSchema.get(values, "SEED");
    }

    /** The YAML file given to {@link #load}, as given. */
    public Path source() {
        return source;
    }

    /**
     * The merged config as nested, mutable {@link LinkedHashMap}s in utils/config.py's key order (a fresh
     * copy): int keys hold Integer (SEED a Long), float keys Double, bool keys Boolean, str keys String,
     * MODEL.PRETRAINED/RESUME a String or null, BASE a List of String (as the loaded file gave it).
     */
    public Map<String, Object> asNestedMap() {
        return ConfigSchema.deepCopy(values);
    }

    /**
     * The merged config as YAML that PyYAML + yacs (and {@link #load}) read back to the same values:
     * every key is written, floats as Python writes them, and a string that Python would read as a literal
     * (e.g. "None", "1e-4") is written quoted for Python. BASE is written as [''] because the files it
     * listed are already merged in; the header comment names them.
     */
    public String toYaml() {
        LinkedHashMap<String, Object> out = protectStrings(values);
        out.put("BASE", new ArrayList<>(List.of("")));
        StringBuilder header = new StringBuilder();
        header.append("# ViFi-CLIP config merged from ").append(oneLine(source.toString()))
                .append(" (utils/config.py defaults < BASE files < the file < --opts)\n");
        Object base = values.get("BASE");
        if (base instanceof List<?> list && list.stream().anyMatch(s -> !"".equals(s))) {
            header.append("# its BASE ").append(oneLine(ConfigLoader.show(base)))
                    .append(" is merged in here, so BASE is empty\n");
        }
        return header + PyYaml.dump(out);
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }

    @SuppressWarnings("unchecked")
    private static LinkedHashMap<String, Object> protectStrings(Map<String, Object> tree) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        tree.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                out.put(k, protectStrings((Map<String, Object>) m));
            } else if (v instanceof List<?> list) {
                out.put(k, new ArrayList<>(list.stream().map(ViFiClipConfig::protect).toList()));
            } else {
                out.put(k, protect(v));
            }
        });
        return out;
    }

    /** yacs literal_evals every string it reads: one that is a literal must be written as Python text. */
    private static Object protect(Object v) {
        return v instanceof String s && PythonLiteral.isLiteral(s) ? PythonLiteral.repr(s) : v;
    }

    /**
     * Equal when every setting is equal; {@link #source()} and BASE (which files were included, not a
     * setting) are not compared, so a config equals the one read back from its {@link #toYaml()}.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof ViFiClipConfig other && settings().equals(other.settings());
    }

    @Override
    public int hashCode() {
        return settings().hashCode();
    }

    private Map<String, Object> settings() {
        LinkedHashMap<String, Object> s = ConfigSchema.deepCopy(values);
        s.remove("BASE");
        return Collections.unmodifiableMap(s);
    }

    @Override
    public String toString() {
        return toYaml();
    }

    private Object get(String key) {
        return ConfigSchema.get(values, key);
    }

    private String str(String key) {
        return (String) get(key);
    }

    private int integer(String key) {
        return (Integer) get(key);
    }

    private double dbl(String key) {
        return (Double) get(key);
    }

    private boolean bool(String key) {
        return (Boolean) get(key);
    }
}
