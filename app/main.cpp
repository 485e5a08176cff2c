#include "mainwindow.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Socket Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(SOCKET_WORKBENCH_VERSION));
    MainWindow window;
    window.show();
    return QApplication::exec();
}
