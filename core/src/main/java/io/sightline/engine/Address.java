package io.sightline.engine;

/**
 * A network address as the engine keeps it: one instance per address text, numbered in the order
 * first seen, so that an address and a port fit in one long (see {@link Flow#key}).
 */
final class Address {

    final String text;
    final int number;

    Address(String text, int number) {
        if (number < 1) {
            throw new IllegalArgumentException("address number must be 1 or more, got " + number);
        }
        this.text = text;
        this.number = number;
    }

    @Override
    public String toString() {
        return text;
    }
}
