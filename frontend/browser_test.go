package frontend

func stopBrowser() {}
