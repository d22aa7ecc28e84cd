package io.sightline.engine;

/**
 * The engine's flows by client end, the end's address number and port packed in a long (see
 * {@link Flow#key}): each slot holds the newest flow of an end, the older ones chained through
 * {@link Flow#nextSameClient}. Open addressing with linear probing, so an entry is a long and a
 * reference in two arrays: a map entry with its key object cost several times that, and every
 * accept in the retention is indexed.
 *
 * <p>Grows past half full and shrinks below an eighth, so a burst of connections does not keep
 * its table for ever. Key 0 marks an empty slot; {@link Flow#key} never gives it.
 */
final class FlowIndex {

    private static final int SMALLEST = 16;

    private long[] keys = new long[SMALLEST];
    private Flow[] heads = new Flow[SMALLEST];
    private int size;

    int size() {
        return size;
    }

    /** The newest flow of this client end, or {@code null}. */
    Flow get(long key) {
        int mask = keys.length - 1;
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return heads[i];
            }
            if (keys[i] == 0) {
                return null;
            }
        }
    }

    /** Makes {@code flow} the newest of its client end; returns the flow it replaces as newest, or {@code null}. */
    Flow put(long key, Flow flow) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 marks an empty slot");
        }
        if (2 * (size + 1) > keys.length) {
            resize(keys.length * 2);
        }
        int mask = keys.length - 1;
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                Flow replaced = heads[i];
                heads[i] = flow;
                return replaced;
            }
            if (keys[i] == 0) {
                keys[i] = key;
                heads[i] = flow;
                size++;
                return null;
            }
        }
    }

    /** Forgets the client end and every flow chained to it. */
    void remove(long key) {
        int mask = keys.length - 1;
        int i = home(key, mask);
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        closeGap(i);
        size--;
        if (keys.length > SMALLEST && 8 * size < keys.length) {
            resize(keys.length / 2);
        }
    }

    /**
     * Empties slot {@code gap} and moves back each later entry of the same probe run that may
     * stand there (its home slot is not between the gap and it), so that no search stops short.
     */
    private void closeGap(int gap) {
        int mask = keys.length - 1;
        for (int i = (gap + 1) & mask; keys[i] != 0; i = (i + 1) & mask) {
            int home = home(keys[i], mask);
            if (((i - home) & mask) >= ((i - gap) & mask)) {
                keys[gap] = keys[i];
                heads[gap] = heads[i];
                gap = i;
            }
        }
        keys[gap] = 0;
        heads[gap] = null;
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Flow[] oldHeads = heads;
        keys = new long[capacity];
        heads = new Flow[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int i = home(oldKeys[j], mask);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                heads[i] = oldHeads[j];
            }
        }
    }

    private static int home(long key, int mask) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
}
