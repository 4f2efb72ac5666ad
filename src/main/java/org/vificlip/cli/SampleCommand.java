package org.vificlip.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.vificlip.data.NpyFile;
import org.vificlip.video.FrameSampler;
import org.vificlip.video.FrameTensor;
import org.vificlip.video.Normalization;
import org.vificlip.video.Preprocessing;
import org.vificlip.video.RgbFrame;
import org.vificlip.video.VideoInfo;
import org.vificlip.video.VideoReader;
import org.vificlip.video.VideoReaders;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code vificlip sample}: the frames ViFi-CLIP's test pipeline would feed the model, written as .npy:
 * raw RGB uint8 {@code [T,H,W,3]} with {@code --raw}, else the preprocessed float32 {@code [T,3,S,S]}.
 */
public final class SampleCommand implements Command {
    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String summary() {
        return "decode a video's test-mode frames and write them (raw or preprocessed) as .npy";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("video").hasArg().argName("FILE")
                .desc("video file (MP4/MOV H.264, AVI MPEG-4 Part 2/Xvid/DivX) or folder of frames (required)").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("FILE.npy").desc("output .npy file (required)").build());
        o.addOption(Option.builder().longOpt("frames").hasArg().argName("T").desc("frames to sample (default 8)").build());
        o.addOption(Option.builder().longOpt("size").hasArg().argName("S").desc("crop size (default 224)").build());
        o.addOption(Option.builder().longOpt("raw").desc("write the decoded RGB frames, uint8 [T,H,W,3], not preprocessed").build());
        o.addOption(Option.builder().longOpt("norm").hasArg().argName("NAME")
                .desc("normalisation: vificlip (ImageNet mean/std, default) or clip (OpenAI CLIP's)").build());
        o.addOption(Option.builder().longOpt("three-crop")
                .desc("three crops along the long side after resizing the short side to S: [3T,3,S,S]").build());
        return o;
    }

    @Override
    public int run(CommandLine cmd) throws Exception {
        if (!cmd.hasOption("video") || !cmd.hasOption("out")) {
            throw new org.apache.commons.cli.ParseException("--video and --out are required");
        }
        Path video = Path.of(cmd.getOptionValue("video"));
        Path out = Path.of(cmd.getOptionValue("out"));
        int frames = positive(cmd, "frames", 8);
        int size = positive(cmd, "size", 224);
        Normalization norm;
        try {
            norm = Normalization.named(cmd.getOptionValue("norm", "vificlip"));
        } catch (IllegalArgumentException e) {
            throw new org.apache.commons.cli.ParseException(e.getMessage());
        }
        try (VideoReader reader = VideoReaders.open(video)) {
            VideoInfo info = reader.info();
            int[] indices = FrameSampler.testIndices(info.frameCount(), frames);
            System.err.printf("%s: %s %dx%d, %d frames at %.3g fps; sampling frames %s%n", video, info.codec(),
                    info.width(), info.height(), info.frameCount(), info.fps(), Arrays.toString(indices));
            List<RgbFrame> decoded = reader.read(indices);
            if (cmd.hasOption("raw")) {
                writeRaw(out, decoded);
                System.err.printf("wrote %s: uint8 [%d,%d,%d,3]%n", out, decoded.size(), info.height(), info.width());
            } else {
                FrameTensor tensor = cmd.hasOption("three-crop")
                        ? Preprocessing.testThreeCrop(decoded, size, norm)
                        : Preprocessing.test(decoded, size, norm);
                NpyFile.writeFloat32(out, tensor.data(), tensor.shape());
                System.err.printf("wrote %s: float32 %s%n", out, Arrays.toString(tensor.shape()));
            }
        }
        return 0;
    }

    private static void writeRaw(Path out, List<RgbFrame> frames) throws java.io.IOException {
        RgbFrame first = frames.get(0);
        int frameBytes = first.rgb().length;
        byte[] all = new byte[frames.size() * frameBytes];
        for (int t = 0; t < frames.size(); t++) {
            System.arraycopy(frames.get(t).rgb(), 0, all, t * frameBytes, frameBytes);
        }
        NpyFile.writeUint8(out, all, frames.size(), first.height(), first.width(), 3);
    }

    private static int positive(CommandLine cmd, String option, int fallback) throws org.apache.commons.cli.ParseException {
        String text = cmd.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new org.apache.commons.cli.ParseException("--" + option + " must be a positive integer, got '" + text + "'");
        }
    }
}
