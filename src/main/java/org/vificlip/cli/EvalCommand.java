package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.vificlip.config.ViFiClipConfig;
import org.vificlip.data.ConfigDataset;
import org.vificlip.eval.EvalResult;
import org.vificlip.eval.Evaluator;
import org.vificlip.model.ClipModel;
import org.vificlip.train.ClassPrompts;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code vificlip eval --config C.yaml [--weights W] [--checkpoint FILE] [--opts K V ...] [--out results.json]}:
 * top-1 / top-5 on DATA.VAL_FILE as ViFi-CLIP's {@code validate} (TEST.NUM_CLIP × TEST.NUM_CROP views,
 * softmax averaged; ZS_EVAL: vanilla CLIP with the bare class names as prompts).
 */
public final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "top-1/top-5 and confusion matrix on DATA.VAL_FILE of a ViFi-CLIP config";
    }

    @Override
    public Options options() {
        return ConfigOptions.add(new Options())
                .addOption(Option.builder().longOpt("out").hasArg().argName("results.json")
                        .desc("write top1, top5, videos, skipped, views and the confusion matrix as JSON").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        ViFiClipConfig config = ConfigOptions.load(cmd);
        ConfigDataset dataset = ConfigDataset.of(config);
        ClipModel model = ConfigOptions.loadModel(cmd, config);
        int[][] prompts = ClassPrompts.tokens(config, dataset.classNames(), model.config());
        INDArray textFeatures = model.encodeText(prompts);
        Evaluator.Options options = new Evaluator.Options(config.data().numFrames(), config.data().inputSize(),
                config.test().numClip(), config.test().numCrop(), config.train().batchSize(), ConfigOptions.threads(cmd));
        EvalResult result = Evaluator.evaluate(model, textFeatures, dataset.classNames(), dataset.valVideos(),
                dataset.valList(), options);
        System.out.println(result.summary());
        if (cmd.hasOption("out")) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("config", config.source().toString());
            extra.put("weights", cmd.getOptionValue("weights", config.model().arch())); // MODEL.ARCH: from the cache
            extra.put("checkpoint", cmd.getOptionValue("checkpoint"));
            extra.put("prompt_template", ClassPrompts.template(config).template());
            Path out = Path.of(cmd.getOptionValue("out"));
            result.writeJson(out, extra);
            System.err.println("wrote " + out);
        }
        return 0;
    }
}
