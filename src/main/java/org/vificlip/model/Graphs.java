package org.vificlip.model;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;

/** Where the model's SameDiff graphs come from. */
final class Graphs {
    private Graphs() {
    }

    /**
     * An empty graph whose variables and constants are held as given. SameDiff's default holder
     * ({@code ThreadSafeArrayHolder}, one copy per device) keeps a duplicate of every array it is given
     * ({@code DeviceLocalNDArray.broadcast} stores {@code array.dup()} for devices that have none yet): a
     * second copy of the weights in every graph, 600 MB for ViT-B/16, and the parameters could not be
     * shared between the graphs of {@link BlockwiseBackward}. Our graphs are run from one thread at a time.
     */
    static SameDiff create() {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        return sd;
    }
}
