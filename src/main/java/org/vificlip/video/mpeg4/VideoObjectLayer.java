package org.vificlip.video.mpeg4;

/** The fields of a video_object_layer header (clause 6.2.3) that decoding needs. Rejects what we cannot decode. */
final class VideoObjectLayer {
    int verid = 1;
    boolean lowDelay;
    int width;
    int height;
    int timeIncrementResolution;
    int timeIncrementBits;
    boolean quantMpeg;
    final int[] intraMatrix = Mpeg4Tables.DEFAULT_INTRA_MATRIX.clone();
    final int[] interMatrix = Mpeg4Tables.DEFAULT_NON_INTRA_MATRIX.clone();
    boolean quarterSample;
    boolean resyncMarkerDisabled;
    /** 0 none, 2 GMC (1 static sprites is rejected). */
    int spriteEnable;

    static VideoObjectLayer parse(BitReader br) throws Mpeg4Exception {
        VideoObjectLayer vol = new VideoObjectLayer();
        br.skip(1); // random_accessible_vol
        int objectType = br.read(8);
        if (objectType == 0x12) {
            throw new Mpeg4Exception("fine granularity scalable VOL not supported");
        }
        if (br.readBit()) { // is_object_layer_identifier
            vol.verid = br.read(4);
            br.skip(3); // video_object_layer_priority
        }
        int aspect = br.read(4);
        if (aspect == 15) {
            br.skip(16); // par_width, par_height
        }
        if (br.readBit()) { // vol_control_parameters
            int chromaFormat = br.read(2);
            if (chromaFormat != 1) {
                throw new Mpeg4Exception("chroma format " + chromaFormat + " not supported (only 4:2:0)");
            }
            vol.lowDelay = br.readBit();
            if (br.readBit()) { // vbv_parameters
                br.skip(15);
                br.marker("VOL vbv");
                br.skip(15);
                br.marker("VOL vbv");
                br.skip(15);
                br.marker("VOL vbv");
                br.skip(3);
                br.skip(11);
                br.marker("VOL vbv");
                br.skip(15);
                br.marker("VOL vbv");
            }
        }
        int shape = br.read(2);
        if (shape != 0) {
            throw new Mpeg4Exception("non-rectangular VOL shape (video_object_layer_shape=" + shape + ") not supported");
        }
        br.marker("VOL");
        vol.timeIncrementResolution = br.read(16);
        if (vol.timeIncrementResolution == 0) {
            throw new Mpeg4Exception("VOL with vop_time_increment_resolution 0");
        }
        int res = vol.timeIncrementResolution;
        vol.timeIncrementBits = res <= 1 ? 1 : 32 - Integer.numberOfLeadingZeros(res - 1);
        br.marker("VOL");
        if (br.readBit()) { // fixed_vop_rate
            br.skip(vol.timeIncrementBits);
        }
        br.marker("VOL");
        vol.width = br.read(13);
        br.marker("VOL");
        vol.height = br.read(13);
        br.marker("VOL");
        if (vol.width == 0 || vol.height == 0) {
            throw new Mpeg4Exception("VOL with empty picture size " + vol.width + "x" + vol.height);
        }
        if (br.readBit()) {
            throw new Mpeg4Exception("interlaced VOL not supported");
        }
        br.skip(1); // obmc_disable
        vol.spriteEnable = vol.verid == 1 ? br.read(1) : br.read(2);
        if (vol.spriteEnable == 1 || vol.spriteEnable == 3) {
            throw new Mpeg4Exception("static sprite VOL (sprite_enable=" + vol.spriteEnable + ") not supported");
        }
        if (vol.spriteEnable == 2) {
            // GMC: only its S-VOPs need global motion compensation (rejected there); I/P/B-VOPs decode as usual.
            br.skip(6 + 2 + 1); // no_of_sprite_warping_points, sprite_warping_accuracy, sprite_brightness_change
        }
        if (br.readBit()) { // not_8_bit
            int quantPrecision = br.read(4);
            int bitsPerPixel = br.read(4);
            if (quantPrecision != 5 || bitsPerPixel != 8) {
                throw new Mpeg4Exception("VOL with " + bitsPerPixel + " bits per pixel / quant precision "
                        + quantPrecision + " not supported");
            }
        }
        vol.quantMpeg = br.readBit();
        if (vol.quantMpeg) {
            if (br.readBit()) {
                readMatrix(br, vol.intraMatrix);
            }
            if (br.readBit()) {
                readMatrix(br, vol.interMatrix);
            }
        }
        if (vol.verid != 1) {
            vol.quarterSample = br.readBit();
        }
        if (!br.readBit()) {
            throw new Mpeg4Exception("VOL complexity estimation header not supported");
        }
        vol.resyncMarkerDisabled = br.readBit();
        if (br.readBit()) {
            boolean reversible = br.readBit();
            throw new Mpeg4Exception("data partitioned VOL" + (reversible ? " with reversible VLC" : "")
                    + " not supported");
        }
        if (vol.verid != 1) {
            if (br.readBit()) {
                throw new Mpeg4Exception("NEWPRED VOL not supported");
            }
            if (br.readBit()) {
                throw new Mpeg4Exception("reduced resolution VOP not supported");
            }
        }
        if (br.readBit()) {
            throw new Mpeg4Exception("scalable VOL not supported");
        }
        return vol;
    }

    /** A matrix is sent in zigzag order and ends early with a 0; the last value then repeats. */
    private static void readMatrix(BitReader br, int[] matrix) throws Mpeg4Exception {
        int last = 0;
        int i = 0;
        for (; i < 64; i++) {
            int v = br.read(8);
            if (v == 0) {
                break;
            }
            last = v;
            matrix[Mpeg4Tables.ZIGZAG[i]] = v;
        }
        if (i == 0) {
            throw new Mpeg4Exception("empty quantiser matrix in VOL");
        }
        for (; i < 64; i++) {
            matrix[Mpeg4Tables.ZIGZAG[i]] = last;
        }
    }
}
