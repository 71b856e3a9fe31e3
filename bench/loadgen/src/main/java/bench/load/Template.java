package bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON document pre-serialised once, with slots for values that change per event
 * (the event id, an ISO timestamp, an epoch-seconds number). Rendering is string appends only.
 */
final class Template {
    static final String ID = "@@ID@@";
    static final String ISO = "@@ISO@@";
    static final String EPOCH = "@@EPOCH@@";
    private static final Pattern SLOT = Pattern.compile("\"@@EPOCH@@\"|@@ID@@|@@ISO@@");
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final String[] parts;
    private final int[] slots; // 0 id, 1 iso, 2 epoch
    final String name;
    final int approxSize;

    Template(String name, ObjectNode node) {
        this.name = name;
        String s;
        try {
            s = MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<String> p = new ArrayList<>();
        List<Integer> sl = new ArrayList<>();
        Matcher m = SLOT.matcher(s);
        int last = 0;
        while (m.find()) {
            p.add(s.substring(last, m.start()));
            String g = m.group();
            sl.add(g.equals(ID) ? 0 : g.equals(ISO) ? 1 : 2);
            last = m.end();
        }
        p.add(s.substring(last));
        parts = p.toArray(new String[0]);
        slots = sl.stream().mapToInt(Integer::intValue).toArray();
        approxSize = s.length() + 20;
    }

    void render(StringBuilder sb, String id, String iso, long epochSeconds) {
        for (int i = 0; i < slots.length; i++) {
            sb.append(parts[i]);
            switch (slots[i]) {
                case 0 -> sb.append(id);
                case 1 -> sb.append(iso);
                default -> sb.append(epochSeconds);
            }
        }
        sb.append(parts[parts.length - 1]);
    }

    /** Sets (creating objects on the way) a dotted path to a value. */
    static void put(ObjectNode root, String dotted, String value) {
        String[] keys = dotted.split("\\.");
        ObjectNode o = root;
        for (int i = 0; i < keys.length - 1; i++) {
            if (!(o.get(keys[i]) instanceof ObjectNode)) o.putObject(keys[i]);
            o = (ObjectNode) o.get(keys[i]);
        }
        o.put(keys[keys.length - 1], value);
    }
}
