package io.sightline.engine;

import io.sightline.asset.Host;
import io.sightline.asset.Inventory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One name per machine. Sensors disagree on host names: on a plain EC2 host Tetragon and Falco
 * print the short name ({@code ip-172-31-20-15}) while GuardDuty and the EC2 inventory give the
 * DNS name ({@code ip-172-31-20-15.ec2.internal}). A short name maps to the inventory's full name
 * when exactly one host has it as its first label.
 */
final class HostNames {

    private final Map<String, String> canonical = new HashMap<>();

    HostNames(Inventory inventory) {
        Set<String> ambiguous = new HashSet<>();
        for (Host host : inventory.hosts()) {
            String name = host.name();
            canonical.put(name, name);
            int dot = name.indexOf('.');
            if (dot > 0) {
                String shortName = name.substring(0, dot);
                if (canonical.containsKey(shortName)
                        && !canonical.get(shortName).equals(name)) {
                    ambiguous.add(shortName);
                }
                canonical.putIfAbsent(shortName, name);
            }
        }
        ambiguous.forEach(canonical::remove);
    }

    String canonical(String host) {
        return canonical.getOrDefault(host, host);
    }
}
