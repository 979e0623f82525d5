package io.kiln.core.i18n;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's sentences in each language Kiln speaks: {@code messages.properties} (English) and
 * {@code messages_zh_CN.properties} (Simplified Chinese) next to this class, UTF-8, with {@code
 * {name}} placeholders. The backend writes its replies with them (Accept-Language); the browser's
 * own words are in frontend/src/messages/.
 */
public final class Messages {
  public static final Locale CHINESE = Locale.SIMPLIFIED_CHINESE;
  public static final Messages ENGLISH = load("messages.properties", null);
  public static final Messages SIMPLIFIED_CHINESE = load("messages_zh_CN.properties", ENGLISH);

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

  private final Properties texts;
  private final Messages fallback;

  private Messages(Properties texts, Messages fallback) {
    this.texts = texts;
    this.fallback = fallback;
  }

  /** The bundle for a language: Chinese for any {@code zh} locale, else English. */
  public static Messages of(Locale locale) {
    return locale != null && "zh".equals(locale.getLanguage()) ? SIMPLIFIED_CHINESE : ENGLISH;
  }

  /** The sentence with its placeholders filled (nested texts in this language too). */
  public String format(Text text) {
    String template = template(text.key());
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = text.args().get(m.group(1));
      String filled =
          value instanceof Text nested
              ? format(nested)
              : value == null ? m.group() : value.toString();
      m.appendReplacement(out, Matcher.quoteReplacement(filled));
    }
    return m.appendTail(out).toString();
  }

  /** This language's template for a key, else English's, else the key itself. */
  public String template(String key) {
    String own = texts.getProperty(key);
    if (own != null) {
      return own;
    }
    return fallback != null ? fallback.template(key) : key;
  }

  /**
   * This language's text for a key whose English lives in code (recipe fields, built-in presets),
   * else that English.
   */
  public String orElse(String key, String english) {
    String own = texts.getProperty(key);
    return own != null ? own : english;
  }

  /**
   * The key of a recipe field group's name ("Learning-rate schedule":
   * group.learning-rate-schedule).
   */
  public static String groupKey(String group) {
    return "group." + group.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-");
  }

  /** Whether this language itself (not its fallback) has the key. */
  public boolean has(String key) {
    return texts.containsKey(key);
  }

  public Set<String> keys() {
    return texts.stringPropertyNames();
  }

  /** The placeholders of a key's template in this language, sorted. */
  public SortedSet<String> placeholders(String key) {
    var names = new TreeSet<String>();
    Matcher m = PLACEHOLDER.matcher(template(key));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Messages load(String file, Messages fallback) {
    Properties p = new Properties();
    try (InputStream in = Messages.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("message bundle " + file + " is missing");
      }
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Messages(p, fallback);
  }
}
