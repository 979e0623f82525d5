package io.kiln.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class HiddenCharactersTest {
  @Test
  void controlsDirectionChangesAndInvisibleCharactersAreNamed() {
    assertEquals("U+202E", HiddenCharacters.first("cats\u202Egpj.exe"));
    assertEquals("U+2067", HiddenCharacters.first("a\u2067b"));
    assertEquals("U+061C", HiddenCharacters.first("\u061Cx"));
    assertEquals("U+200B", HiddenCharacters.first("ca\u200Bts"));
    assertEquals("U+FEFF", HiddenCharacters.first("\uFEFFcats"));
    assertEquals("U+00AD", HiddenCharacters.first("ca\u00ADts"));
    assertEquals("U+2028", HiddenCharacters.first("two\u2028lines"));
    assertEquals("U+0085", HiddenCharacters.first("c1\u0085"));
    assertEquals("U+0000", HiddenCharacters.first("nul\0"));
    assertEquals("U+000A", HiddenCharacters.first("new\nline"));
  }

  @Test
  void peoplesWordsInAnyScriptPass() {
    for (String name :
        new String[] {
          "salt & pepper",
          "猫",
          "Ελληνικά",
          "עברית",
          "العربية",
          "می\u200Cخواهم",
          "👩\u200D🔬",
          "<b>x</b>"
        }) {
      assertNull(HiddenCharacters.first(name), name);
    }
    assertEquals("cats?", HiddenCharacters.printable("cats\u202E"));
    assertEquals("cats", HiddenCharacters.removed("c\u200Bats\uFEFF"));
  }
}
