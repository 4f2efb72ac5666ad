package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.checkpoint.Checkpoints;
import org.vificlip.checkpoint.Safetensors;
import org.vificlip.checkpoint.StateDict;
import org.vificlip.checkpoint.ViFiClipCheckpoint;
import org.vificlip.model.ClipConfig;

import java.nio.file.Path;

/**
 * {@code vificlip weights --weights W [--checkpoint C] [--save OUT.safetensors]}: loads weights as every
 * other command does, prints what was found (format, architecture, parameters, what a ViFi-CLIP checkpoint
 * replaced), and optionally saves the result as one float32 safetensors file under OpenAI's names.
 */
public final class WeightsCommand implements Command {

    @Override
    public String name() {
        return "weights";
    }

    @Override
    public String summary() {
        return "check a CLIP weights file (and a ViFi-CLIP checkpoint over it); optionally convert to safetensors";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(Option.builder().longOpt("weights").hasArg().argName("W")
                        .desc("CLIP weights: OpenAI .pt (TorchScript), torch.save state dict, .safetensors or a Hugging Face directory;"
                                + " or an architecture (ViT-B/16, ...) fetched by `vificlip download`").build())
                .addOption(Option.builder().longOpt("checkpoint").hasArg().argName("C")
                        .desc("ViFi-CLIP training checkpoint (.pth) laid over the weights").build())
                .addOption(Option.builder().longOpt("save").hasArg().argName("OUT")
                        .desc("write the resulting float32 weights to this .safetensors file").build());
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        if (!cmd.hasOption("weights")) {
            // checked here rather than declared required, so that --help works without it
            throw new org.apache.commons.cli.MissingOptionException("Missing required option: weights");
        }
        Path weights = ModelOptions.weightsPath(cmd.getOptionValue("weights"));
        System.out.println("weights:     " + weights + " (" + Checkpoints.format(weights) + ")");
        StateDict sd = Checkpoints.load(weights);
        if (cmd.hasOption("checkpoint")) {
            Path checkpoint = Path.of(cmd.getOptionValue("checkpoint"));
            ViFiClipCheckpoint.Overlay overlay = Checkpoints.overlay(sd, checkpoint);
            System.out.println("checkpoint:  " + checkpoint + ": replaced " + overlay.replaced().size() + " of "
                    + sd.tensors().size() + " tensors");
            var kept = new java.util.ArrayList<>(sd.tensors().keySet());
            kept.removeAll(overlay.replaced());
            System.out.println("  kept from the weights: " + kept);
            if (!overlay.skipped().isEmpty()) System.out.println("  skipped (as ViFi-CLIP does): " + overlay.skipped());
            if (!overlay.unmatched().isEmpty()) System.out.println("  not part of CLIP: " + overlay.unmatched().keySet());
            sd = overlay.weights();
        }
        ClipConfig c = ClipConfig.infer(sd.shapes(), sd.source());
        long parameters = sd.tensors().values().stream().mapToLong(a -> a.length()).sum();
        System.out.printf("architecture: embed %d; vision width %d, %d layers, %d heads, patch %d, resolution %d; "
                        + "text width %d, %d layers, %d heads, context %d, vocabulary %d%n",
                c.embedDim(), c.visionWidth(), c.visionLayers(), c.visionHeads(), c.visionPatchSize(), c.imageResolution(),
                c.textWidth(), c.textLayers(), c.textHeads(), c.contextLength(), c.vocabSize());
        System.out.printf("parameters:  %,d in %d tensors%n", parameters, sd.tensors().size());
        if (cmd.hasOption("save")) {
            Path out = Path.of(cmd.getOptionValue("save"));
            Safetensors.write(sd.tensors(), out);
            System.out.println("saved:       " + out);
        }
        return 0;
    }
}
