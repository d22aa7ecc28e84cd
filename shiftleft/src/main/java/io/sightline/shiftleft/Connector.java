package io.sightline.shiftleft;

/**
 * Lists the images a scanner account has scanned and pulls each one's report. An item that
 * fails (one project, one artifact) becomes a problem in the result and the others are kept; a
 * failure of the whole account (credential rejected) is an {@link AccountFailure}.
 */
public interface Connector<A extends Account> {

    AccountPull pull(A account) throws InterruptedException;
}
