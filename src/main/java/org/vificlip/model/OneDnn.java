package org.vificlip.model;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_layer_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_softmax_desc_t;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static org.bytedeco.dnnl.global.dnnl.*;   // oneDNN's C API: dnnl_* functions, DNNL_ARG_* names
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.*;   // oneDNN's C API: dnnl_* functions, DNNL_ARG_* names

/**
 * oneDNN (JavaCPP's dnnl preset) for what M2.1 runs slowly or in many ops: batched matrix products, the
 * softmax, the QuickGELU (oneDNN's swish) and layer normalisation, each with its gradient (see
 * {@link OneDnnProducts}, {@link AttentionCore}, {@link QuickGelu}, {@link LayerNorm}). Arrays reach it as
 * addresses with shapes and strides ({@link Operand}), so views and transposes cost nothing. Primitives are
 * made once per layout and kept; each thread has its own stream.
 * <p>
 * Used only on ND4J's CPU backend, and not at all with {@code -Dvificlip.onednn=false} (read on every
 * call, so tests can compare both paths); where the natives do not load, ND4J's ops run as before.
 */
final class OneDnn {
    private static final Logger log = LoggerFactory.getLogger(OneDnn.class);
    private static final String SWITCH = "vificlip.onednn";

    private OneDnn() {
    }

    /** Whether oneDNN is switched on, on a CPU backend, and loaded. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty(SWITCH, "true")) && Engine.ENGINE != null;
    }

    /** A buffer seen as a stack of matrices: element address, shape and strides (in elements), float32. */
    record Operand(long address, long[] shape, long[] strides) {
        static Operand of(INDArray array) {
            return new Operand(array.data().address() + array.offset() * Float.BYTES, array.shape().clone(),
                    array.stride().clone());
        }

        static Operand of(INDArray array, boolean transposed) {
            return transposed ? of(array).transposed() : of(array);
        }

        int rank() {
            return shape.length;
        }

        /** The same buffer with its last two dimensions swapped. */
        Operand transposed() {
            return new Operand(address, swapLastTwo(shape), swapLastTwo(strides));
        }

        /** The operand {@code elements} further on, same shape and strides (one of several packed ones). */
        Operand shifted(long elements) {
            return new Operand(address + elements * Float.BYTES, shape, strides);
        }

        /** Rows are contiguous: oneDNN's kernels write such a destination directly. */
        boolean rowsContiguous() {
            return strides[rank() - 1] == 1;
        }

        private static long[] swapLastTwo(long[] values) {
            long[] swapped = values.clone();
            int n = values.length;
            swapped[n - 1] = values[n - 2];
            swapped[n - 2] = values[n - 1];
            return swapped;
        }

        String layout() {
            return Arrays.toString(shape) + Arrays.toString(strides);
        }

        dnnl_memory_desc_t descriptor() {
            dnnl_memory_desc_t descriptor = new dnnl_memory_desc_t();
            check(dnnl_memory_desc_init_by_strides(descriptor, rank(), shape, dnnl_f32, strides), "memory descriptor");
            return descriptor;
        }
    }

    /**
     * c = scale·(a·b), writing c's rows (callers pass a c with contiguous rows; a transposed destination is
     * written as cᵀ = bᵀ·aᵀ by {@link OneDnnProducts}).
     *
     * @return false if oneDNN has no kernel for these layouts (nothing was written)
     */
    static boolean product(Operand a, Operand b, Operand c, float scale) {
        return tryRun("matmul " + scale, () -> {
            dnnl_matmul_desc_t matmul = new dnnl_matmul_desc_t();
            dnnl_memory_desc_t da = a.descriptor(), db = b.descriptor(), dc = c.descriptor();
            if (dnnl_matmul_desc_init(matmul, da, db, null, dc) != dnnl_success) {
                return null;
            }
            return Primitive.make(new const_dnnl_op_desc_t(matmul), scale, null,
                    new int[]{DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST}, da, db, dc);
        }, a, b, c);
    }

    /** probabilities = softmax(scores) along the last axis; the two may be the same buffer. */
    static void softmax(Operand scores, Operand probabilities) {
        run("softmax", () -> {
            dnnl_memory_desc_t data = scores.descriptor();
            return Primitive.make(softmaxForward(data, scores.rank()), 1f, null,
                    new int[]{DNNL_ARG_SRC, DNNL_ARG_DST}, data, probabilities.descriptor());
        }, scores, probabilities);
    }

    /**
     * dL/dscores from the softmax's output and dL/dprobabilities, along the last axis:
     * p ⊙ (g − Σ g ⊙ p). {@code scoresGradient} may be {@code probabilitiesGradient}'s buffer.
     */
    static void softmaxBackward(Operand probabilities, Operand probabilitiesGradient, Operand scoresGradient) {
        run("softmax backward", () -> {
            dnnl_memory_desc_t data = probabilities.descriptor(), gradient = probabilitiesGradient.descriptor();
            dnnl_softmax_desc_t backward = new dnnl_softmax_desc_t();
            check(dnnl_softmax_backward_desc_init(backward, gradient, data, probabilities.rank() - 1), "softmax backward");
            return Primitive.withHint(softmaxForward(data, probabilities.rank()), new const_dnnl_op_desc_t(backward),
                    new int[]{DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}, data, gradient,
                    scoresGradient.descriptor());
        }, probabilities, probabilitiesGradient, scoresGradient);
    }

    private static const_dnnl_op_desc_t softmaxForward(dnnl_memory_desc_t data, int rank) {
        dnnl_softmax_desc_t forward = new dnnl_softmax_desc_t();
        check(dnnl_softmax_forward_desc_init(forward, dnnl_forward_training, data, rank - 1), "softmax descriptor");
        return new const_dnnl_op_desc_t(forward);
    }

    /** y = x·sigmoid(alpha·x), element by element (oneDNN's swish). */
    static void swish(Operand x, Operand y, float alpha) {
        run("swish " + alpha, () -> {
            dnnl_memory_desc_t data = x.descriptor();
            return Primitive.make(swishForward(data, alpha), 1f, null, new int[]{DNNL_ARG_SRC, DNNL_ARG_DST},
                    data, y.descriptor());
        }, x, y);
    }

    /** dL/dx of {@link #swish} from x and dL/dy. */
    static void swishBackward(Operand x, Operand outGradient, Operand inGradient, float alpha) {
        run("swish backward " + alpha, () -> {
            dnnl_memory_desc_t data = x.descriptor(), gradient = outGradient.descriptor();
            dnnl_eltwise_desc_t backward = new dnnl_eltwise_desc_t();
            check(dnnl_eltwise_backward_desc_init(backward, dnnl_eltwise_swish, gradient, data, alpha, 0f),
                    "swish backward");
            return Primitive.withHint(swishForward(data, alpha), new const_dnnl_op_desc_t(backward),
                    new int[]{DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC}, data, gradient,
                    inGradient.descriptor());
        }, x, outGradient, inGradient);
    }

    private static const_dnnl_op_desc_t swishForward(dnnl_memory_desc_t data, float alpha) {
        dnnl_eltwise_desc_t forward = new dnnl_eltwise_desc_t();
        check(dnnl_eltwise_forward_desc_init(forward, dnnl_forward_training, dnnl_eltwise_swish, data, alpha, 0f),
                "swish descriptor");
        return new const_dnnl_op_desc_t(forward);
    }

    /**
     * Layer normalisation of x's rows: y = (x − mean)/√(variance + epsilon)·gain + bias, keeping each row's
     * mean and variance for the backward pass.
     */
    static void layerNorm(Operand x, Operand gain, Operand bias, Operand y, Operand mean, Operand variance,
                          float epsilon) {
        run("layer norm " + epsilon, () -> {
            dnnl_memory_desc_t data = x.descriptor(), statistics = mean.descriptor();
            return Primitive.make(layerNormForward(data, statistics, epsilon), 1f, null,
                    new int[]{DNNL_ARG_SRC, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE},
                    data, gain.descriptor(), bias.descriptor(), y.descriptor(), statistics, variance.descriptor());
        }, x, gain, bias, y, mean, variance);
    }

    /**
     * The gradients of x, gain and bias in {@link #layerNorm} from its input, statistics and dL/dy. oneDNN
     * 2.5 will not run it without the bias among the arguments, though it does not read it.
     */
    static void layerNormBackward(Operand x, Operand mean, Operand variance, Operand gain, Operand bias,
                                  Operand outGradient, Operand inGradient, Operand gainGradient, Operand biasGradient,
                                  float epsilon) {
        run("layer norm backward " + epsilon, () -> {
            dnnl_memory_desc_t data = x.descriptor(), statistics = mean.descriptor(), gradient = outGradient.descriptor();
            dnnl_layer_normalization_desc_t backward = new dnnl_layer_normalization_desc_t();
            check(dnnl_layer_normalization_backward_desc_init(backward, dnnl_backward, gradient, data, statistics,
                    epsilon, dnnl_use_scale | dnnl_use_shift), "layer norm backward");
            return Primitive.withHint(layerNormForward(data, statistics, epsilon), new const_dnnl_op_desc_t(backward),
                    new int[]{DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE, DNNL_ARG_SHIFT,
                            DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT},
                    data, statistics, variance.descriptor(), gain.descriptor(), bias.descriptor(), gradient,
                    inGradient.descriptor(), gainGradient.descriptor(), biasGradient.descriptor());
        }, x, mean, variance, gain, bias, outGradient, inGradient, gainGradient, biasGradient);
    }

    private static const_dnnl_op_desc_t layerNormForward(dnnl_memory_desc_t data, dnnl_memory_desc_t statistics,
                                                         float epsilon) {
        dnnl_layer_normalization_desc_t forward = new dnnl_layer_normalization_desc_t();
        check(dnnl_layer_normalization_forward_desc_init(forward, dnnl_forward_training, data, statistics, epsilon,
                dnnl_use_scale | dnnl_use_shift), "layer norm descriptor");
        return new const_dnnl_op_desc_t(forward);
    }

    /** Runs the primitive made for these operands' layouts (made on first use); oneDNN must have one. */
    private static void run(String what, Supplier<Primitive> make, Operand... operands) {
        if (!tryRun(what, make, operands)) {
            throw new IllegalStateException("oneDNN has no " + what + " for " + key(what, operands));
        }
    }

    /** As {@link #run}, but false if oneDNN has no primitive for these layouts (nothing is written). */
    private static boolean tryRun(String what, Supplier<Primitive> make, Operand... operands) {
        String key = key(what, operands);
        Primitive primitive = Engine.primitive(key, make);
        if (primitive == null) {
            return false;
        }
        try {
            primitive.execute(operands);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (" + key + ")", e);
        }
        return true;
    }

    /** What a primitive computes and its operands' layouts: one primitive is made per key. */
    private static String key(String what, Operand... operands) {
        StringBuilder key = new StringBuilder(what);
        for (Operand operand : operands) {
            key.append(operand.layout());
        }
        return key.toString();
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }

    /** A created primitive with the argument kinds and memory descriptors it was made for. */
    private record Primitive(dnnl_primitive primitive, int[] kinds, dnnl_memory_desc_t[] descriptors) {
        /** @return null if oneDNN has no implementation for the description */
        static Primitive make(const_dnnl_op_desc_t description, float scale, dnnl_primitive_desc hint, int[] kinds,
                              dnnl_memory_desc_t... descriptors) {
            dnnl_primitive_attr attributes = null;
            if (scale != 1f) {
                attributes = new dnnl_primitive_attr();
                check(dnnl_primitive_attr_create(attributes), "attributes");
                check(dnnl_primitive_attr_set_output_scales(attributes, 1, 0, new float[]{scale}), "output scale");
            }
            dnnl_primitive_desc made = new dnnl_primitive_desc();
            try {
                if (dnnl_primitive_desc_create(made, description, attributes, Engine.ENGINE, hint) != dnnl_success) {
                    return null;
                }
            } finally {
                if (attributes != null) {
                    dnnl_primitive_attr_destroy(attributes);
                }
            }
            dnnl_primitive primitive = new dnnl_primitive();
            check(dnnl_primitive_create(primitive, made), "primitive");
            dnnl_primitive_desc_destroy(made);
            return new Primitive(primitive, kinds, descriptors);
        }

        /** A backward primitive, which oneDNN makes from its forward primitive's description. */
        static Primitive withHint(const_dnnl_op_desc_t forward, const_dnnl_op_desc_t backward, int[] kinds,
                                  dnnl_memory_desc_t... descriptors) {
            dnnl_primitive_desc hint = new dnnl_primitive_desc();
            check(dnnl_primitive_desc_create(hint, forward, null, Engine.ENGINE, null), "forward hint");
            try {
                return make(backward, 1f, hint, kinds, descriptors);
            } finally {
                dnnl_primitive_desc_destroy(hint);
            }
        }

        void execute(Operand... operands) {
            Engine.Stream stream = Engine.STREAMS.get();
            dnnl_memory[] memories = new dnnl_memory[operands.length];
            try {
                dnnl_exec_arg_t args = stream.args;
                for (int i = 0; i < operands.length; i++) {
                    memories[i] = new dnnl_memory();
                    check(dnnl_memory_create(memories[i], descriptors[i], Engine.ENGINE, new Address(operands[i].address)),
                            "memory");
                    args.position(i).arg(kinds[i]).memory(memories[i]);
                }
                check(dnnl_primitive_execute(primitive, stream.stream, operands.length, args.position(0)), "execute");
                check(dnnl_stream_wait(stream.stream), "wait");
            } finally {
                for (dnnl_memory memory : memories) {
                    if (memory != null) {
                        dnnl_memory_destroy(memory);
                    }
                }
            }
        }
    }

    /** The engine, loaded on first use, and the primitives made so far. */
    private static final class Engine {
        static final dnnl_engine ENGINE = load();
        static final Map<String, Primitive> PRIMITIVES = new ConcurrentHashMap<>();
        /** Layouts oneDNN declined: left to ND4J without asking again. */
        static final Map<String, Boolean> DECLINED = new ConcurrentHashMap<>();
        static final ThreadLocal<Stream> STREAMS = ThreadLocal.withInitial(Stream::new);

        private static dnnl_engine load() {
            if (!Nd4j.getEnvironment().isCPU()) {
                return null;
            }
            try {
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                dnnl_engine engine = new dnnl_engine();
                check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
                return engine;
            } catch (Throwable e) {   // no natives for this platform: ND4J's own ops still work
                log.warn("oneDNN not loaded ({}); ND4J runs batched products and attention", e.toString());
                return null;
            }
        }

        static Primitive primitive(String key, Supplier<Primitive> make) {
            Primitive made = PRIMITIVES.get(key);
            if (made != null || DECLINED.containsKey(key)) {
                return made;
            }
            made = make.get();
            if (made == null) {
                log.info("oneDNN declined {}; ND4J runs it", key);
                DECLINED.put(key, true);
            } else {
                PRIMITIVES.put(key, made);
            }
            return made;
        }

        /** Per thread: a stream and room for an execution's arguments. */
        static final class Stream {
            final dnnl_stream stream = new dnnl_stream();
            final dnnl_exec_arg_t args = new dnnl_exec_arg_t(9);

            Stream() {
                check(dnnl_stream_create(stream, ENGINE, dnnl_stream_default_flags), "stream");
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
