package org.vificlip.video;

import org.vificlip.BadInputException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Frames stored as image files in one directory, read with ImageIO. Frame {@code i} is the i-th image in
 * natural name order ({@code img_2.jpg} before {@code img_10.jpg}; zero-padded names sort the same
 * either way), which is mmaction's {@code filename_tmpl} numbering.
 */
public final class FrameFolderReader implements VideoReader {
    private final List<Path> images;
    private final VideoInfo info;

    private FrameFolderReader(List<Path> images, VideoInfo info) {
        this.images = images;
        this.info = info;
    }

    public static FrameFolderReader open(Path dir) throws IOException {
        List<Path> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).filter(FrameFolderReader::isImageName).forEach(images::add);
        }
        if (images.isEmpty()) {
            throw new BadInputException(dir, "directory has no frame images (.jpg, .jpeg, .png); expected a"
                    + " folder of extracted frames such as img_00001.jpg, or a video file");
        }
        images.sort(Comparator.comparing(p -> p.getFileName().toString(), FrameFolderReader::naturalCompare));
        int[] size = imageSize(images.get(0));
        String kind = images.get(0).getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") ? "png" : "jpeg";
        VideoInfo info = new VideoInfo(dir, images.size(), size[0], size[1], 0.0, kind + " frames");
        return new FrameFolderReader(images, info);
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
    }

    /** Compares names with digit runs as numbers. */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int[] imageSize(Path image) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadInputException(image, "not a readable JPEG/PNG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[]{reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(image, "unreadable frame image: " + e.getMessage(), e);
        }
    }

    @Override
    public VideoInfo info() {
        return info;
    }

    @Override
    public List<RgbFrame> read(int[] indices) throws IOException {
        List<RgbFrame> out = new ArrayList<>(indices.length);
        RgbFrame previous = null;
        int previousIndex = -1;
        for (int index : indices) {
            if (index < 0 || index >= images.size()) {
                throw new IllegalArgumentException("frame " + index + " outside [0, " + images.size() + ")");
            }
            if (index != previousIndex) {
                previous = readImage(images.get(index));
                previousIndex = index;
            }
            out.add(previous);
        }
        return out;
    }

    private RgbFrame readImage(Path image) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(image.toFile());
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(image, "unreadable frame image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new BadInputException(image, "not a readable JPEG/PNG image");
        }
        if (img.getWidth() != info.width() || img.getHeight() != info.height()) {
            throw new BadInputException(image, "frame is " + img.getWidth() + "x" + img.getHeight()
                    + " but the folder's first frame is " + info.width() + "x" + info.height());
        }
        return toRgb(img);
    }

    /** Interleaved RGB bytes of any BufferedImage (fast path for ImageIO's usual 3-byte BGR). */
    static RgbFrame toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int p = 0; p < argb.length; p++) {
                rgb[3 * p] = (byte) (argb[p] >> 16);
                rgb[3 * p + 1] = (byte) (argb[p] >> 8);
                rgb[3 * p + 2] = (byte) argb[p];
            }
        }
        return new RgbFrame(w, h, rgb);
    }

    @Override
    public void close() {
    }
}
