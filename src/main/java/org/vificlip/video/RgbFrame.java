package org.vificlip.video;

/** One decoded picture: 8-bit RGB, interleaved, rows top to bottom ({@code rgb.length == width*height*3}). */
public record RgbFrame(int width, int height, byte[] rgb) {
    public RgbFrame {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb buffer " + rgb.length + " != " + width + "x" + height + "x3");
        }
    }

    /** Channel c (0=R,1=G,2=B) of pixel (x, y), 0..255. */
    public int at(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
