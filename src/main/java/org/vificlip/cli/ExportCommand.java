package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.checkpoint.Safetensors;
import org.vificlip.checkpoint.StateDict;

import java.nio.file.Path;

/**
 * {@code vificlip export --weights W [--checkpoint C] --out model.safetensors}: the CLIP weights the model
 * commands would run on (a ViFi-CLIP checkpoint laid over the base weights, CLIP's token embedding kept) as
 * one float32 safetensors file under OpenAI's names, which this tool, {@code safetensors.torch.load_file}
 * and OpenAI's {@code build_model} read.
 */
public final class ExportCommand implements Command {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write CLIP weights (with a ViFi-CLIP checkpoint laid over them) as one float32 .safetensors file";
    }

    @Override
    public Options options() {
        return ModelOptions.addWeights(new Options())
                .addOption(Option.builder().longOpt("out").hasArg().argName("OUT.safetensors")
                        .desc("the safetensors file to write (required)").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        Path out = Path.of(ModelOptions.required(cmd, "out"));
        StateDict weights = ModelOptions.loadWeights(cmd);
        Safetensors.write(weights.tensors(), out);
        long parameters = weights.tensors().values().stream().mapToLong(a -> a.length()).sum();
        System.err.printf("wrote %s: %,d parameters in %d float32 tensors under OpenAI's names%n", out, parameters,
                weights.tensors().size());
        return 0;
    }
}
