package org.vificlip.synth;

import org.jcodec.common.io.SeekableByteChannel;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;

/**
 * An in-memory JCodec channel that grows as it is written. JCodec's own {@code ByteBufferSeekableByteChannel}
 * has a fixed capacity and silently drops what does not fit; the muxer seeks back to patch the mdat size,
 * so a plain stream would not do either.
 */
final class GrowableChannel implements SeekableByteChannel {
    private byte[] data = new byte[1 << 16];
    private int size;
    private int position;
    private boolean open = true;

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel setPosition(long newPosition) {
        if (newPosition < 0 || newPosition > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("position " + newPosition);
        }
        position = (int) newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        if (newSize < size) {
            size = (int) Math.max(0, newSize);
            position = Math.min(position, size);
        }
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws ClosedChannelException {
        checkOpen();
        if (position >= size) {
            return -1;
        }
        int n = Math.min(dst.remaining(), size - position);
        dst.put(data, position, n);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws ClosedChannelException {
        checkOpen();
        int n = src.remaining();
        int end = Math.addExact(position, n);
        if (end > data.length) {
            data = Arrays.copyOf(data, Math.max(end, data.length * 2));
        }
        src.get(data, position, n);
        position = end;
        size = Math.max(size, end);
        return n;
    }

    private void checkOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }

    /** What was written, up to the largest position reached. */
    byte[] toByteArray() {
        return Arrays.copyOf(data, size);
    }
}
