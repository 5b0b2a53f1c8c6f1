# GUI A (shell, player, timeline, commands): included from tests/ui/CMakeLists.txt.
mas_add_test(tst_mainwindow SOURCES tst_mainwindow.cpp ShellTestSupport.h LIBS mas_ui LABELS ui TIMEOUT 180)
mas_add_test(tst_commands SOURCES tst_commands.cpp LIBS mas_ui LABELS ui TIMEOUT 120)
mas_add_test(tst_timeline SOURCES tst_timeline.cpp LIBS mas_ui LABELS ui TIMEOUT 120)
mas_add_test(tst_player SOURCES tst_player.cpp LIBS mas_ui LABELS ui TIMEOUT 120)
mas_add_test(tst_shellreview SOURCES tst_shellreview.cpp ShellTestSupport.h LIBS mas_ui LABELS ui TIMEOUT 180)
