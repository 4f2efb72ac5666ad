package org.vificlip.checkpoint;

import org.junit.jupiter.api.Test;
import org.vificlip.BadInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestrictedUnpicklerTest {

    /**
     * A protocol-4 pickle (FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL, sets, LONG1, ...) as Python's
     * pickler writes for {@code torch.save(..., pickle_protocol=4)}: an OrderedDict with a strided view
     * 'w' (offset 1, size (2,3), stride (1,2)) and 'same_storage' on one 8-float storage, and 'meta', a list
     * [1, 2.5, None, True, 'xé', b'by', (1,2,3), 2**40, -300, {4,5}, frozenset({6})]. Generated once with
     * Python's pickle module and stand-in classes named like torch's.
     */
    private static final String PROTOCOL_4 = "80049513010000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0177948c0c746f7263682e5f7574696c73948c125f72656275696c645f74656e736f725f763294939428288c0773746f72616765948c05746f726368948c0c466c6f617453746f726167659493948c0130948c03637075944b087494514b014b024b0386944b014b028694896802295294749452948c0c73616d655f73746f7261676594680728286808680b680c680d4b087494514b004b0885944b018594896802295294749452948c046d657461945d94284b014740040000000000004e888c0378c3a99443026279944b014b024b0387948a060000000000014ad4feffff8f94284b044b0590284b06919465752e";

    private static final Path SOURCE = Path.of("test.pt");

    private static TorchTensor.StorageBytes floats0to7() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) b.putFloat(i);
        return new TorchTensor.StorageBytes() {
            @Override
            public ByteBuffer read(long byteOffset, int length) {
                return ByteBuffer.wrap(b.array(), (int) byteOffset, length).slice();
            }

            @Override
            public String name() {
                return "data/0";
            }
        };
    }

    @Test
    void protocol4PickleWithViewsAndPlainValues() throws Exception {
        Object root = RestrictedUnpickler.load(SOURCE, "archive/data.pkl", HexFormat.of().parseHex(PROTOCOL_4),
                ref -> floats0to7());
        Map<?, ?> dict = (Map<?, ?>) root;
        assertEquals(List.of("w", "same_storage", "meta"), List.copyOf(dict.keySet()));
        TorchTensor w = (TorchTensor) dict.get("w");
        assertArrayEquals(new long[]{2, 3}, w.shape());
        assertArrayEquals(new float[]{1, 3, 5, 2, 4, 6}, w.readFloats());
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5, 6, 7}, ((TorchTensor) dict.get("same_storage")).readFloats());
        List<?> meta = (List<?>) dict.get("meta");
        assertEquals(1L, meta.get(0));
        assertEquals(2.5, meta.get(1));
        assertEquals(null, meta.get(2));
        assertEquals(Boolean.TRUE, meta.get(3));
        assertEquals("x\u00e9", meta.get(4));
        assertArrayEquals("by".getBytes(), (byte[]) meta.get(5));
        assertEquals(List.of(1L, 2L, 3L), ((PickleValues.Tuple) meta.get(6)).items());
        assertEquals(1L << 40, meta.get(7));
        assertEquals(-300L, meta.get(8));
        assertEquals(List.of(4L, 5L), meta.get(9));
        assertEquals(List.of(6L), meta.get(10));
    }

    @Test
    void unknownClassesBecomeInertRecords() throws Exception {
        // os.system('echo pwned') followed by BUILD with a state dict: recorded, never run
        byte[] p = new TorchZipWriter.Pickle().proto().global("os", "system").op('(').string("echo pwned").op('t').op('R')
                .op('}').string("k").integer(1).op('s').op('b').op('.').bytes();
        Object o = RestrictedUnpickler.load(SOURCE, "data.pkl", p, ref -> floats0to7());
        PickleValues.InertObject inert = (PickleValues.InertObject) o;
        assertEquals("os.system", inert.className);
        assertEquals(List.of("echo pwned"), inert.args);
        assertEquals(Map.of("k", 1L), inert.state);
    }

    @Test
    void corruptPicklesFailWithTheEntryAndOffset() {
        byte[][] bad = {
                {(byte) 0x80, 2, 'h', 7, '.'},          // memo read before write
                {(byte) 0x80, 2, 's', '.'},             // stack underflow
                {(byte) 0x80, 2, 'N', 'N', '.'},        // two values at STOP
                {(byte) 0x80, 2, 'K'},                  // ends inside an argument
                {(byte) 0x80, 2, ')', 'Q', '.'},        // persistent id that is not a storage
        };
        for (byte[] p : bad) {
            BadInputException e = assertThrows(BadInputException.class,
                    () -> RestrictedUnpickler.load(SOURCE, "x/data.pkl", p, ref -> floats0to7()), Arrays.toString(p));
            assertTrue(e.getMessage().startsWith("test.pt: x/data.pkl at byte "), e.getMessage());
        }
    }
}
