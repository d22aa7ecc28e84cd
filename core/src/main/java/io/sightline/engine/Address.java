package io.sightline.engine;

/**
 * A network address as the engine keeps it: one instance per address text while it is in use,
 * numbered in the order first seen (a number is never given twice), so that an address and a
 * port fit in one long (see {@link Flow#key}).
 */
final class Address {

    /** Numbers stay below this, so that a number and a 16-bit port fit in a positive long. */
    static final long NUMBERS = 1L << 47;

    final String text;
    final long number;
    /** Whether the address is a public IPv4 one ({@link Behaviours#isPublicAddress}), worked out once. */
    final boolean isPublic;
    /** The engine's clock when a flow last named this address; what the engine forgets it by. */
    long lastUsedNanos;

    Address(String text, long number) {
        if (number < 1 || number >= NUMBERS) {
            throw new IllegalArgumentException("address number must be 1 to 2^47 - 1, got " + number);
        }
        this.text = text;
        this.number = number;
        this.isPublic = Behaviours.isPublicAddress(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
