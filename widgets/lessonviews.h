#pragma once

#include <QWidget>

class PythonMirror;
class PythonMirrorView;
class QLabel;
class QTabWidget;
class SocketMapModel;
class SocketMapView;

// The side panel of lesson views for the current tab: the Python code it stands for and
// the map of its sockets, one tab each. It shows models the window keeps per session, so
// switching tabs switches pictures without losing anything.
class LessonViews : public QWidget
{
    Q_OBJECT

public:
    enum class View { Python, Map };
    Q_ENUM(View)

    explicit LessonViews(QWidget *parent = nullptr);

    // The current session's models (nullptr: no tab), and the tab's title for the headings.
    void setSession(PythonMirror *mirror, SocketMapModel *map, const QString &title);

    View currentView() const;
    void setCurrentView(View view);

    // Presentation mode: thicker lines in the pictures.
    void setLineWidthScale(qreal scale);

    PythonMirrorView *mirrorView() const { return m_mirrorView; }
    SocketMapView *mapView() const { return m_mapView; }

signals:
    void currentViewChanged(LessonViews::View view);

private:
    QTabWidget *m_tabs = nullptr;
    PythonMirrorView *m_mirrorView = nullptr;
    QWidget *m_mapPage = nullptr;
    QLabel *m_mapTitle = nullptr;
    SocketMapView *m_mapView = nullptr;
};
