package org.vificlip.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * ViFi-CLIP's frame pipelines ({@code datasets/build.py}) from decoded RGB frames to float32
 * {@code [T,3,S,S]} tensors.
 *
 * <ul>
 *   <li>Test: short side resized to {@code int(256/224*S)} (OpenCV bilinear, new size
 *       {@code int(side*scale+0.5)} as mmcv's {@code rescale_size}), centre crop S at
 *       {@code (size-S)//2}, normalise.</li>
 *   <li>Test with three crops ({@code TEST.NUM_CROP 3}): short side resized to S, three S×S crops along
 *       the long side (left/top, right/bottom, middle, as mmaction's {@code ThreeCrop}); output
 *       {@code [3T,3,S,S]}, crop-major.</li>
 *   <li>Train: short side to {@code int(256/224*S)}, MultiScaleCrop (scales 1, .875, .75, .66, max
 *       aspect gap 1, five fixed positions), resize to S×S, horizontal flip (p 0.5), colour jitter
 *       (p 0.8; brightness .4, contrast .4, saturation .2, hue .1, fresh parameters per frame as
 *       torchvision's ColorJitter called per frame), grayscale (p 0.2), normalise. One crop and flip
 *       decision per video.</li>
 * </ul>
 */
public final class Preprocessing {
    private static final double[] MULTI_SCALES = {1, 0.875, 0.75, 0.66};

    private Preprocessing() {
    }

    /** The short side the test pipeline resizes to before the centre crop: {@code int(256/224*S)}. */
    public static int testResizeShortSide(int size) {
        return (int) (256.0 / 224.0 * size);
    }

    /** Test pipeline with the centre crop: {@code [T,3,S,S]}. */
    public static FrameTensor test(List<RgbFrame> frames, int size, Normalization norm) {
        float[] out = new float[frames.size() * 3 * size * size];
        int t = 0;
        for (RgbFrame frame : frames) {
            RgbFrame cropped = resizeShortSideAndCrop(frame, testResizeShortSide(size), size, CropPosition.CENTRE);
            normaliseInto(cropped, norm, out, t++);
        }
        return new FrameTensor(out, frames.size(), size);
    }

    /** Where a crop sits along the long side. */
    public enum CropPosition { START, END, CENTRE }

    /** Test pipeline with three crops along the long side: {@code [3T,3,S,S]}, crop-major. */
    public static FrameTensor testThreeCrop(List<RgbFrame> frames, int size, Normalization norm) {
        int n = frames.size();
        float[] out = new float[3 * n * 3 * size * size];
        CropPosition[] order = {CropPosition.START, CropPosition.END, CropPosition.CENTRE};
        for (int c = 0; c < 3; c++) {
            for (int t = 0; t < n; t++) {
                RgbFrame cropped = resizeShortSideAndCrop(frames.get(t), size, size, order[c]);
                normaliseInto(cropped, norm, out, c * n + t);
            }
        }
        return new FrameTensor(out, 3 * n, size);
    }

    /** The resized size of a frame whose short side becomes {@code shortSide} (mmcv.rescale_size). */
    public static int[] rescaledSize(int width, int height, int shortSide) {
        double scale = (double) shortSide / Math.min(width, height);
        return new int[]{(int) (width * scale + 0.5), (int) (height * scale + 0.5)};
    }

    /**
     * Short side resized to {@code shortSide}, then an S×S crop: centred on both axes, or at the start
     * or end of the long side (centred on the short side) as mmaction's ThreeCrop.
     */
    public static RgbFrame resizeShortSideAndCrop(RgbFrame frame, int shortSide, int size, CropPosition position) {
        int[] wh = rescaledSize(frame.width(), frame.height(), shortSide);
        int w = wh[0];
        int h = wh[1];
        if (w < size || h < size) {
            throw new IllegalArgumentException("resized frame " + w + "x" + h + " smaller than crop " + size);
        }
        int x = (w - size) / 2;
        int y = (h - size) / 2;
        if (position != CropPosition.CENTRE) {
            boolean wide = w >= h;
            int along = wide ? w - size : h - size;
            int offset = position == CropPosition.START ? 0 : 2 * (along / 2);
            if (wide) {
                x = offset;
            } else {
                y = offset;
            }
        }
        return BilinearResize.resizeWindow(frame, w, h, x, y, size, size);
    }

    /** Train pipeline (random; deterministic for a given {@code rng} state). */
    public static FrameTensor train(List<RgbFrame> frames, int size, Normalization norm, Random rng) {
        int n = frames.size();
        RgbFrame first = frames.get(0);
        int[] wh = rescaledSize(first.width(), first.height(), testResizeShortSide(size));
        int[] crop = multiScaleCrop(wh[0], wh[1], size, rng);
        boolean flip = rng.nextDouble() < 0.5;
        List<RgbFrame> work = new ArrayList<>(n);
        for (RgbFrame frame : frames) {
            RgbFrame resized = BilinearResize.resize(frame, wh[0], wh[1]);
            RgbFrame cropped = BilinearResize.resize(crop(resized, crop[0], crop[1], crop[2], crop[3]), size, size);
            work.add(flip ? flipHorizontal(cropped) : cropped);
        }
        if (rng.nextDouble() < 0.8) {
            work.replaceAll(f -> ColorJitter.random(rng).apply(f));
        }
        if (rng.nextDouble() < 0.2) {
            work.replaceAll(Preprocessing::grayscale);
        }
        float[] out = new float[n * 3 * size * size];
        for (int t = 0; t < n; t++) {
            normaliseInto(work.get(t), norm, out, t);
        }
        return new FrameTensor(out, n, size);
    }

    /** mmaction MultiScaleCrop (random_crop False, 5 fixed crops): {x, y, w, h}. */
    static int[] multiScaleCrop(int imgW, int imgH, int inputSize, Random rng) {
        int base = Math.min(imgW, imgH);
        int[] sizes = new int[MULTI_SCALES.length];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) (base * MULTI_SCALES[i]);
        }
        List<int[]> candidates = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            for (int j = 0; j < sizes.length; j++) {
                if (Math.abs(i - j) <= 1) {
                    candidates.add(new int[]{sizes[j], sizes[i]});
                }
            }
        }
        int[] chosen = candidates.get(rng.nextInt(candidates.size())).clone();
        for (int k = 0; k < 2; k++) {
            if (Math.abs(chosen[k] - inputSize) < 3) {
                chosen[k] = inputSize;
            }
        }
        int cropW = chosen[0];
        int cropH = chosen[1];
        int wStep = (imgW - cropW) / 4;
        int hStep = (imgH - cropH) / 4;
        int[][] offsets = {{0, 0}, {4 * wStep, 0}, {0, 4 * hStep}, {4 * wStep, 4 * hStep}, {2 * wStep, 2 * hStep}};
        int[] offset = offsets[rng.nextInt(offsets.length)];
        return new int[]{offset[0], offset[1], cropW, cropH};
    }

    static RgbFrame crop(RgbFrame frame, int x, int y, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(frame.rgb(), ((y + row) * frame.width() + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbFrame(w, h, out);
    }

    static RgbFrame flipHorizontal(RgbFrame frame) {
        int w = frame.width();
        byte[] in = frame.rgb();
        byte[] out = new byte[in.length];
        for (int row = 0; row < frame.height(); row++) {
            for (int col = 0; col < w; col++) {
                int s = (row * w + col) * 3;
                int d = (row * w + (w - 1 - col)) * 3;
                out[d] = in[s];
                out[d + 1] = in[s + 1];
                out[d + 2] = in[s + 2];
            }
        }
        return new RgbFrame(w, frame.height(), out);
    }

    /** PIL's convert("L") (ITU-R 601-2 luma, 16.16 fixed point) replicated to three channels. */
    static RgbFrame grayscale(RgbFrame frame) {
        byte[] in = frame.rgb();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i += 3) {
            byte l = (byte) luma(in[i] & 0xFF, in[i + 1] & 0xFF, in[i + 2] & 0xFF);
            out[i] = l;
            out[i + 1] = l;
            out[i + 2] = l;
        }
        return new RgbFrame(frame.width(), frame.height(), out);
    }

    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** Writes frame {@code t} as {@code (x - mean) / std} into {@code out[t,c,y,x]}. */
    static void normaliseInto(RgbFrame frame, Normalization norm, float[] out, int t) {
        int plane = frame.width() * frame.height();
        int base = t * 3 * plane;
        byte[] rgb = frame.rgb();
        for (int c = 0; c < 3; c++) {
            float mean = norm.mean()[c];
            // mmcv.imnormalize multiplies by the reciprocal of std
            float invStd = (float) (1.0 / norm.std()[c]);
            int o = base + c * plane;
            for (int p = 0; p < plane; p++) {
                out[o + p] = ((rgb[p * 3 + c] & 0xFF) - mean) * invStd;
            }
        }
    }

    /** torchvision ColorJitter(0.4, 0.4, 0.2, 0.1) on PIL images: four adjustments in a random order. */
    record ColorJitter(int[] order, double brightness, double contrast, double saturation, double hue) {
        static ColorJitter random(Random rng) {
            int[] order = {0, 1, 2, 3};
            for (int i = 3; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double b = 0.6 + rng.nextDouble() * 0.8;
            double c = 0.6 + rng.nextDouble() * 0.8;
            double s = 0.8 + rng.nextDouble() * 0.4;
            double h = -0.1 + rng.nextDouble() * 0.2;
            return new ColorJitter(order, b, c, s, h);
        }

        RgbFrame apply(RgbFrame frame) {
            byte[] px = frame.rgb().clone();
            for (int op : order) {
                switch (op) {
                    case 0 -> blendWithConstant(px, 0, brightness);
                    case 1 -> blendWithConstant(px, meanLuma(px), contrast);
                    case 2 -> blendWithGray(px, saturation);
                    default -> shiftHue(px, hue);
                }
            }
            return new RgbFrame(frame.width(), frame.height(), px);
        }

        private static int meanLuma(byte[] px) {
            long sum = 0;
            for (int i = 0; i < px.length; i += 3) {
                sum += luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
            }
            return (int) (sum / (double) (px.length / 3) + 0.5);
        }

        private static void blendWithConstant(byte[] px, int constant, double factor) {
            for (int i = 0; i < px.length; i++) {
                px[i] = clamp(constant + factor * ((px[i] & 0xFF) - constant));
            }
        }

        private static void blendWithGray(byte[] px, double factor) {
            for (int i = 0; i < px.length; i += 3) {
                int l = luma(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF);
                for (int c = 0; c < 3; c++) {
                    px[i + c] = clamp(l + factor * ((px[i + c] & 0xFF) - l));
                }
            }
        }

        /** Hue rotation in HSV by {@code shift} of a full turn, as torchvision's adjust_hue. */
        private static void shiftHue(byte[] px, double shift) {
            float[] hsv = new float[3];
            for (int i = 0; i < px.length; i += 3) {
                java.awt.Color.RGBtoHSB(px[i] & 0xFF, px[i + 1] & 0xFF, px[i + 2] & 0xFF, hsv);
                float h = (float) (hsv[0] + shift);
                h -= (float) Math.floor(h);
                int rgb = java.awt.Color.HSBtoRGB(h, hsv[1], hsv[2]);
                px[i] = (byte) (rgb >> 16);
                px[i + 1] = (byte) (rgb >> 8);
                px[i + 2] = (byte) rgb;
            }
        }

        private static byte clamp(double v) {
            long r = Math.round(v);
            return (byte) (r < 0 ? 0 : Math.min(r, 255));
        }
    }
}
