package org.vificlip.model;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_matmul_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_strides;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * Batched matrix products (operands of rank 3 and more: attention's scores and weighted values, forward
 * and backward) through oneDNN's matmul primitive, from JavaCPP's dnnl preset.
 * <p>
 * Why: M2.1 multiplies rank-3 and rank-4 arrays as a loop of small products (libnd4j's
 * {@code MmulHelper::mmulNxN}); its own oneDNN helper takes rank 2 only. On attention's shapes (ViT-B/16,
 * 8 frames: [8, 12, 197, 64] × [8, 12, 64, 197]) that runs at 25-55 GFLOP/s on this machine's 2 cores,
 * oneDNN's batched kernel ({@code brg:avx512_core}) at 80-145 (benchmarks/train/README.md).
 * <p>
 * An operand is its buffer, shape and strides, so a transposed operand is the same buffer with its last
 * two strides swapped: no copies. Only float32 products of equal batch dimensions are taken, on the CPU
 * backend; anything else, or {@code -Dvificlip.onednnProducts=false}, leaves the op to ND4J.
 */
final class OneDnnProducts {
    private static final Logger log = LoggerFactory.getLogger(OneDnnProducts.class);

    /** Whether oneDNN is switched on, on a CPU backend, and loaded. */
    static boolean available() {
        return Runtime.ENGINE != null;
    }

    private OneDnnProducts() {
    }

    /**
     * Runs {@code op} into its context's output arrays if it is a batched product this class takes.
     *
     * @return false if the op is left to ND4J
     */
    static boolean tryRun(DifferentialFunction op, OpContext context) {
        if (!available()) {
            return false;
        }
        if (op.getClass() == Mmul.class) {
            return forward((DynamicCustomOp) op, context);
        }
        if (op.getClass() == MmulBp.class) {
            return backward((DynamicCustomOp) op, context);
        }
        return false;
    }

    /** z = op(x)·op(y), or its transpose; op transposes where the op's flags say so. */
    private static boolean forward(DynamicCustomOp op, OpContext context) {
        INDArray x = context.getInputArray(0), y = context.getInputArray(1), z = context.getOutputArray(0);
        if (!unitScale(op) || !batched(x, y, z)) {
            return false;
        }
        // With the result transposed, z is (a·b)ᵀ: a·b is written into zᵀ.
        return product(Operand.of(x, flag(op, 0)), Operand.of(y, flag(op, 1)), Operand.of(z, flag(op, 2)));
    }

    /** For z = a·b with a = op(x), b = op(y): dL/da = g·bᵀ and dL/db = aᵀ·g, g = dL/dz (transposed back). */
    private static boolean backward(DynamicCustomOp op, OpContext context) {
        INDArray x = context.getInputArray(0), y = context.getInputArray(1), dz = context.getInputArray(2);
        INDArray dx = context.getOutputArray(0), dy = context.getOutputArray(1);
        if (!batched(x, y, dz, dx, dy)) {
            return false;
        }
        boolean tx = flag(op, 0), ty = flag(op, 1);
        Operand a = Operand.of(x, tx), b = Operand.of(y, ty), g = Operand.of(dz, flag(op, 2));
        // dL/dx is (dL/da)ᵀ when x enters transposed: dL/da is written into dxᵀ, and so on.
        return product(g, b.transposed(), Operand.of(dx, tx)) && product(a.transposed(), g, Operand.of(dy, ty));
    }

    /** The op's i-th integer argument as a flag; M2.1 leaves trailing false flags out. */
    private static boolean flag(DynamicCustomOp op, int i) {
        long[] flags = op.iArgs();
        return flags != null && flags.length > i && flags[i] != 0;
    }

    /** Mmul's alpha and beta, where given, are 1 and 0 (ours always are). */
    private static boolean unitScale(DynamicCustomOp op) {
        double[] scale = op.tArgs();
        return scale == null || scale.length == 0 || (scale[0] == 1.0 && (scale.length < 2 || scale[1] == 0.0));
    }

    /** float32, rank ≥ 3, the same batch dimensions (all but the last two) in every array. */
    private static boolean batched(INDArray... arrays) {
        INDArray first = arrays[0];
        int rank = first.rank();
        if (rank < 3) {
            return false;
        }
        long[] batch = Arrays.copyOf(first.shape(), rank - 2);
        for (INDArray array : arrays) {
            if (array == null || array.dataType() != DataType.FLOAT || array.rank() != rank
                    || !Arrays.equals(batch, Arrays.copyOf(array.shape(), rank - 2))) {
                return false;
            }
        }
        return true;
    }

    /**
     * c = a·b. oneDNN's kernels write rows, so a c seen transposed (a gradient written into dxᵀ) is
     * computed as cᵀ = bᵀ·aᵀ instead.
     *
     * @return false if oneDNN has no kernel for these operands
     */
    private static boolean product(Operand a, Operand b, Operand c) {
        if (c.strides[c.rank() - 1] != 1) {
            return product(b.transposed(), a.transposed(), c.transposed());
        }
        Primitive primitive = Runtime.primitive(a, b, c);
        if (primitive == null) {
            return false;
        }
        primitive.execute(a, b, c);
        return true;
    }

    /** A buffer seen as a matrix stack: element address, shape and strides (in elements). */
    private record Operand(long address, long[] shape, long[] strides) {
        static Operand of(INDArray array, boolean transposed) {
            long address = array.data().address() + array.offset() * array.dataType().width();
            Operand operand = new Operand(address, array.shape().clone(), array.stride().clone());
            return transposed ? operand.transposed() : operand;
        }

        int rank() {
            return shape.length;
        }

        /** The same buffer with its last two dimensions swapped. */
        Operand transposed() {
            return new Operand(address, swapLastTwo(shape), swapLastTwo(strides));
        }

        private static long[] swapLastTwo(long[] values) {
            long[] swapped = values.clone();
            int n = values.length;
            swapped[n - 1] = values[n - 2];
            swapped[n - 2] = values[n - 1];
            return swapped;
        }

        String key() {
            return Arrays.toString(shape) + Arrays.toString(strides);
        }
    }

    /** A created matmul primitive with the memory descriptors it was made for. */
    private record Primitive(dnnl_primitive primitive, dnnl_memory_desc_t a, dnnl_memory_desc_t b,
                             dnnl_memory_desc_t c) {
        void execute(Operand left, Operand right, Operand result) {
            Runtime.Stream stream = Runtime.STREAMS.get();
            dnnl_memory[] memories = {stream.memory(a, left), stream.memory(b, right), stream.memory(c, result)};
            try {
                dnnl_exec_arg_t args = stream.args;
                args.position(0).arg(DNNL_ARG_SRC).memory(memories[0]);
                args.position(1).arg(DNNL_ARG_WEIGHTS).memory(memories[1]);
                args.position(2).arg(DNNL_ARG_DST).memory(memories[2]);
                Runtime.check(dnnl_primitive_execute(primitive, stream.stream, 3, args.position(0)), "execute");
                Runtime.check(dnnl_stream_wait(stream.stream), "wait");
            } finally {
                for (dnnl_memory memory : memories) {
                    dnnl_memory_destroy(memory);
                }
            }
        }
    }

    /** The engine, loaded on first use, and the primitives made so far (one per operand layout). */
    private static final class Runtime {
        static final dnnl_engine ENGINE = load();
        static final Map<String, Primitive> PRIMITIVES = new ConcurrentHashMap<>();
        /** Layouts oneDNN declined: left to ND4J without asking again. */
        static final Map<String, Boolean> DECLINED = new ConcurrentHashMap<>();
        static final ThreadLocal<Stream> STREAMS = ThreadLocal.withInitial(Stream::new);

        private static dnnl_engine load() {
            if (!Boolean.parseBoolean(System.getProperty("vificlip.onednnProducts", "true"))
                    || !Nd4j.getEnvironment().isCPU()) {
                return null;
            }
            try {
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                dnnl_engine engine = new dnnl_engine();
                check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
                return engine;
            } catch (Throwable e) {   // no natives for this platform: ND4J's own products still work
                log.warn("oneDNN not loaded ({}); batched products run through ND4J", e.toString());
                return null;
            }
        }

        static Primitive primitive(Operand a, Operand b, Operand c) {
            String key = a.key() + b.key() + c.key();
            Primitive made = PRIMITIVES.get(key);
            if (made != null || DECLINED.containsKey(key)) {
                return made;
            }
            dnnl_memory_desc_t da = descriptor(a), db = descriptor(b), dc = descriptor(c);
            dnnl_matmul_desc_t matmul = new dnnl_matmul_desc_t();
            dnnl_primitive_desc description = new dnnl_primitive_desc();
            if (dnnl_matmul_desc_init(matmul, da, db, null, dc) != dnnl_success
                    || dnnl_primitive_desc_create(description, new const_dnnl_op_desc_t(matmul), null, ENGINE, null)
                    != dnnl_success) {
                log.info("oneDNN has no matmul for {} · {} → {}; ND4J runs it", a.key(), b.key(), c.key());
                DECLINED.put(key, true);
                return null;
            }
            dnnl_primitive primitive = new dnnl_primitive();
            check(dnnl_primitive_create(primitive, description), "primitive");
            dnnl_primitive_desc_destroy(description);
            made = new Primitive(primitive, da, db, dc);
            PRIMITIVES.put(key, made);
            return made;
        }

        private static dnnl_memory_desc_t descriptor(Operand operand) {
            dnnl_memory_desc_t descriptor = new dnnl_memory_desc_t();
            check(dnnl_memory_desc_init_by_strides(descriptor, operand.rank(), operand.shape, dnnl_f32,
                    operand.strides), "memory descriptor");
            return descriptor;
        }

        static void check(int status, String what) {
            if (status != dnnl_success) {
                throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
            }
        }

        /** Per thread: a stream and the argument list of an execution. */
        static final class Stream {
            final dnnl_stream stream = new dnnl_stream();
            final dnnl_exec_arg_t args = new dnnl_exec_arg_t(3);

            Stream() {
                check(dnnl_stream_create(stream, ENGINE, dnnl_stream_default_flags), "stream");
            }

            dnnl_memory memory(dnnl_memory_desc_t descriptor, Operand operand) {
                dnnl_memory memory = new dnnl_memory();
                check(dnnl_memory_create(memory, descriptor, ENGINE, new Address(operand.address)), "memory");
                return memory;
            }
        }
    }

    /** A raw address for oneDNN's {@code void*} handles. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}
